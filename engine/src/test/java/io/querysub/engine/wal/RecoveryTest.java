package io.querysub.engine.wal;

import static org.assertj.core.api.Assertions.assertThat;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.CommitResult;
import io.querysub.engine.store.ReadLock;
import io.querysub.engine.store.ReadResult;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.StoreOptions;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import io.querysub.engine.version.HybridClock;
import io.querysub.engine.version.Version;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store with its log, restarted from a copy of the log's files, holds what it held before. */
class RecoveryTest {
  private static final int PATHS = 60;

  @TempDir java.nio.file.Path dir;
  @TempDir java.nio.file.Path copy;

  private static Path path(int i) {
    return Path.parse("/s" + (i % 6) + "/k" + (i / 6) + "/v");
  }

  private record Node(Store store, FileWriteAheadLog log, Recovery recovery) {}

  private static Node open(java.nio.file.Path d, HybridClock clock) {
    FileWriteAheadLog log = new FileWriteAheadLog(new WalOptions(d, 1, 1 << 16));
    Store s = new Store(StoreOptions.DEFAULTS, clock, log);
    Recovery r = log.open(rec -> s.replay(rec.version(), rec.writes()));
    return new Node(s, log, r);
  }

  @Test
  void aRestartFromTheSyncedFilesHoldsThePreCrashState() throws Exception {
    long seed = Long.getLong("test.seed", System.nanoTime());
    System.out.println("RecoveryTest seed=" + seed + " (-Dtest.seed=" + seed + ")");
    AtomicLong now = new AtomicLong(1_764_000_000_000L);
    Node a = open(dir, new HybridClock(1, now::get));
    AtomicLong lastTicket = new AtomicLong();
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      Random random = new Random(seed + t);
      writers.add(
          new Thread(
              () -> {
                for (int i = 0; i < 3000; i++) {
                  now.incrementAndGet();
                  int p = random.nextInt(PATHS);
                  int q = random.nextInt(PATHS);
                  ReadResult r = a.store().read(path(p));
                  List<ReadLock> locks = List.of(ReadLock.value(path(p), r.version()));
                  List<Write> writes = new ArrayList<>();
                  writes.add(
                      random.nextInt(5) == 0
                          ? Write.delete(path(p))
                          : new Write(path(p), Value.ofJson("[" + i + "," + seed % 1000 + "]")));
                  if (q != p) {
                    writes.add(new Write(path(q), Value.ofJson("\"" + i + "\"")));
                  }
                  CommitResult c = a.store().commit(locks, writes);
                  lastTicket.accumulateAndGet(c.ticket(), Math::max);
                }
              }));
    }
    writers.forEach(Thread::start);
    for (Thread w : writers) {
      w.join();
    }
    a.log().awaitDurable(lastTicket.get());
    // The crash image: the files as synced, while the log is still open.
    for (var f : a.log().segmentFiles()) {
      Files.copy(f, copy.resolve(f.getFileName()));
    }
    assertThat(a.log().segmentFiles()).hasSizeGreaterThan(2); // it rotated

    Node b = open(copy, new HybridClock(1, now::get));
    assertThat(b.recovery().cut()).isNull();
    for (int i = 0; i < PATHS; i++) {
      assertThat(b.store().read(path(i))).as("path %s", path(i)).isEqualTo(a.store().read(path(i)));
    }
    Version highest = b.recovery().highest();
    assertThat(b.store().commit(List.of(), List.of(Write.delete(path(0)))).version())
        .isGreaterThan(highest);
    b.log().close();
    a.log().close();
  }

  @Test
  void replayedVersionsBehindTheHorizonAreNotRefusedAndBecomeGolden() throws Exception {
    AtomicLong now = new AtomicLong(1_764_000_000_000L);
    Node a = open(dir, new HybridClock(1, now::get));
    long t = 0;
    for (int i = 0; i < PATHS; i++) {
      now.incrementAndGet();
      t = a.store().commit(List.of(), List.of(new Write(path(i), Value.ofJson("" + i)))).ticket();
      t = a.store().commit(List.of(), List.of(new Write(path(i), Value.ofJson("" + -i)))).ticket();
    }
    now.incrementAndGet();
    t = a.store().commit(List.of(), List.of(Write.delete(path(7)))).ticket();
    a.log().awaitDurable(t);
    a.log().close();

    // An hour later every replayed version is far behind the golden horizon (60 s).
    now.addAndGet(3_600_000);
    Node b = open(dir, new HybridClock(1, now::get));
    assertThat(b.recovery().records()).isEqualTo(2L * PATHS + 1);
    assertThat(b.store().openCommits()).isEqualTo(2 * PATHS + 1);
    b.store().advanceGolden();
    assertThat(b.store().openCommits()).isZero();
    for (int i = 0; i < PATHS; i++) {
      ReadResult r = b.store().read(path(i));
      if (i == 7) {
        assertThat(r.exists()).isFalse(); // a golden delete past retention reads as never written
      } else {
        assertThat(r.value()).isEqualTo(Value.ofJson("" + -i));
      }
    }
    assertThat(b.store().commit(List.of(), List.of(Write.delete(path(1)))).isValid()).isTrue();
    b.log().close();
  }
}
