package io.querysub.engine.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.engine.fail.FailPoints;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.CommitResult;
import io.querysub.engine.store.ReadLock;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.StoreOptions;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import io.querysub.engine.version.HybridClock;
import io.querysub.engine.version.Version;
import io.querysub.engine.watch.ChangeBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the store hands its log, and what it does when the log refuses. */
class StoreJournalTest {
  @TempDir java.nio.file.Path dir;

  private static final Path P = Path.parse("/a/p");

  @AfterEach
  void disarm() {
    FailPoints.disarmAll();
  }

  @Test
  void whenVisibleDurableWaitsForEveryCommitAReaderCouldHaveSeen() throws Exception {
    CountDownLatch inSync = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    FailPoints.arm(
        FailPoints.WAL_BEFORE_SYNC,
        p -> {
          inSync.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    FileWriteAheadLog log = new FileWriteAheadLog(new WalOptions(dir, 0, 1 << 20));
    Store s = new Store(StoreOptions.DEFAULTS, new HybridClock(1), log);
    log.open(r -> {});
    assertThat(s.whenVisibleDurable()).as("nothing appended yet").isDone();
    s.commit(List.of(), List.of(new Write(P, Value.ofJson("1"))));
    assertThat(s.read(P).exists()).isTrue(); // a reader sees it, without its ticket
    CompletableFuture<Void> seen = s.whenVisibleDurable();
    assertThat(inSync.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(seen).isNotDone();
    release.countDown();
    seen.get(10, TimeUnit.SECONDS);
    assertThat(log.durableTicket()).isGreaterThanOrEqualTo(1);
    log.close();
  }

  @Test
  void onlyValidCommitsWithWritesAreLoggedAndCarryATicket() throws Exception {
    FileWriteAheadLog log = new FileWriteAheadLog(new WalOptions(dir, 0, 1 << 20));
    Store s = new Store(StoreOptions.DEFAULTS, new HybridClock(1), log);
    log.open(r -> {});
    CommitResult w = s.commit(List.of(), List.of(new Write(P, Value.ofJson("1"))));
    assertThat(w.ticket()).isEqualTo(1);
    s.whenDurable(w).get(10, TimeUnit.SECONDS);
    assertThat(log.durableTicket()).isGreaterThanOrEqualTo(1);

    CommitResult audit = s.commit(List.of(ReadLock.value(P, w.version())), List.of());
    assertThat(audit.isValid()).isTrue();
    assertThat(audit.ticket()).isZero();
    CommitResult stale =
        s.commit(List.of(ReadLock.value(P, Version.ZERO)), List.of(Write.delete(P)));
    assertThat(stale.isValid()).isFalse();
    assertThat(stale.ticket()).isZero();
    assertThat(log.lastTicket()).isEqualTo(1);
    assertThat(s.whenDurable(stale)).isDone();
    log.close();
  }

  @Test
  void aCommitTheLogRefusesIsNotAppliedAndDoesNotStallTheChangeFeed() {
    FileWriteAheadLog log = new FileWriteAheadLog(new WalOptions(dir, 0, 1 << 20));
    boolean[] refuse = {false};
    Store s =
        new Store(
            StoreOptions.DEFAULTS,
            new HybridClock(1),
            new io.querysub.engine.store.CommitJournal() {
              @Override
              public long append(Version version, List<Write> writes) {
                if (refuse[0]) {
                  throw new QuerysubException(ErrorCode.UNAVAILABLE, "refused for the test");
                }
                return log.append(version, writes);
              }

              @Override
              public java.util.concurrent.CompletableFuture<Void> whenDurable(long ticket) {
                return log.whenDurable(ticket);
              }

              @Override
              public long lastTicket() {
                return log.lastTicket();
              }
            });
    log.open(r -> {});
    List<ChangeBatch> heard = new ArrayList<>();
    s.addListener(heard::add);
    s.commit(List.of(), List.of(new Write(P, Value.ofJson("1"))));
    refuse[0] = true;
    assertThatThrownBy(() -> s.commit(List.of(), List.of(new Write(P, Value.ofJson("2")))))
        .isInstanceOfSatisfying(
            QuerysubException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    assertThat(s.read(P).value()).isEqualTo(Value.ofJson("1"));
    refuse[0] = false;
    CommitResult third = s.commit(List.of(), List.of(new Write(P, Value.ofJson("3"))));
    assertThat(heard).extracting(ChangeBatch::version).endsWith(third.version());
    assertThat(heard).hasSize(2);
    log.close();
  }
}
