package io.querysub.engine.bench;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.CommitJournal;
import io.querysub.engine.store.CommitResult;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import io.querysub.engine.wal.FileWriteAheadLog;
import io.querysub.engine.wal.WalOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Commit throughput with the write-ahead log against without it, in one run: {@code wal=none} is
 * the store alone, {@code wal=5} the log with the default 5 ms flush, {@code wal=0} a sync as soon
 * as records wait. The log's directory is under {@code java.io.tmpdir} ({@code -Dwal.dir=...}
 * elsewhere). The commit returns once its record is in the log's buffer; the sync thread writes and
 * forces in the background, on the other core, as on a node.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 2,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class WalBench {
  @Param({"none", "5"})
  String wal;

  @Param("10000")
  int accounts;

  @Param("1000")
  long maxChangeAgeMillis;

  Bank bank;
  FileWriteAheadLog log;
  java.nio.file.Path dir;
  final Value value = Value.ofJson("{\"n\":12345}");

  @Setup
  public void setUp() throws IOException {
    CommitJournal journal = CommitJournal.NONE;
    if (!wal.equals("none")) {
      String base = System.getProperty("wal.dir", System.getProperty("java.io.tmpdir"));
      dir = Files.createTempDirectory(java.nio.file.Path.of(base), "walbench");
      log =
          new FileWriteAheadLog(
              new WalOptions(dir, Long.parseLong(wal), WalOptions.DEFAULT_SEGMENT_BYTES));
      log.open(r -> {});
      journal = log;
    }
    bank = new Bank(accounts, maxChangeAgeMillis, journal);
  }

  @TearDown
  public void tearDown() throws IOException {
    if (log != null) {
      log.close();
      try (Stream<java.nio.file.Path> all = Files.walk(dir)) {
        for (var p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Outcomes {
    public long committed;
    final SplittableRandom rnd = new SplittableRandom();
    final Golden golden = new Golden();

    @Setup(Level.Iteration)
    public void reset() {
      committed = 0;
    }
  }

  /** The transfer of {@code TransferBench}: read two balances, write both, commit. */
  @Benchmark
  public CommitResult transfer(Outcomes o) {
    o.golden.tick(bank.store);
    int n = bank.accounts.length;
    int from = o.rnd.nextInt(n);
    int to = (from + 1 + o.rnd.nextInt(n - 1)) % n;
    CommitResult r = bank.prepareTransfer(from, to, 1 + o.rnd.nextInt(100)).commit();
    if (r.isValid()) {
      o.committed++;
    }
    return r;
  }

  /** A blind write of one of the accounts. */
  @Benchmark
  public CommitResult blindWrite(Outcomes o) {
    o.golden.tick(bank.store);
    Path p = bank.accounts[o.rnd.nextInt(bank.accounts.length)];
    CommitResult r = bank.store.commit(List.of(), List.of(new Write(p, value)));
    o.committed++;
    return r;
  }
}
