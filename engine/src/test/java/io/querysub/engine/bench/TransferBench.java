package io.querysub.engine.bench;

import io.querysub.engine.store.CommitResult;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * 2-read/2-write transfers between two accounts drawn uniformly from 10,000: read both balances,
 * write both, commit. One operation is one attempt; the counters split attempts into committed and
 * conflicts (a rejected attempt is not retried here, the next operation draws a new pair).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 2,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class TransferBench {
  @Param("10000")
  int accounts;

  @Param("1000")
  long maxChangeAgeMillis;

  /** With a change feed listener attached, as on a node (a WatchHub with no watches). */
  @Param("false")
  boolean feed;

  Bank bank;

  @Setup
  public void setUp() {
    bank = new Bank(accounts, maxChangeAgeMillis);
    if (feed) {
      new io.querysub.engine.watch.WatchHub(bank.store);
    }
  }

  /** Per-thread outcome counts, reported by JMH as rates next to the attempt rate. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Outcomes {
    public long committed;
    public long conflicts;
    final SplittableRandom rnd = new SplittableRandom();
    final Golden golden = new Golden();

    @Setup(Level.Iteration)
    public void reset() {
      committed = 0;
      conflicts = 0;
    }
  }

  @Benchmark
  public CommitResult transfer(Outcomes o) {
    o.golden.tick(bank.store);
    int n = bank.accounts.length;
    int from = o.rnd.nextInt(n);
    int to = (from + 1 + o.rnd.nextInt(n - 1)) % n;
    CommitResult r = bank.prepareTransfer(from, to, 1 + o.rnd.nextInt(100)).commit();
    if (r.isValid()) {
      o.committed++;
    } else {
      o.conflicts++;
    }
    return r;
  }
}
