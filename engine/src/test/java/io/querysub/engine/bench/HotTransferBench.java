package io.querysub.engine.bench;

import io.querysub.engine.store.CommitResult;
import io.querysub.engine.tx.Transaction;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Transfers under contention: {@code hotShare} of transfers move money between two of the first
 * {@code hot} accounts, the rest between any two of 10,000. {@code clients} logical clients (split
 * evenly over the benchmark threads) interleave: each has a transaction that has read its two
 * balances, and one operation commits the next client's transaction (round robin) and has that
 * client read again for its next attempt. So between a client's reads and its commit every other
 * client commits once, and hot transfers really conflict. With {@code rerun} (the default, as a
 * server function runner does) a rejected transfer is rerun, with fresh reads, on the client's next
 * turn; without it the client gives up and draws a new transfer, so attempts keep the 80/20 mix.
 * {@code committed} is the figure to compare with the budget.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
    value = 2,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@State(Scope.Benchmark)
public class HotTransferBench {
  @Param("10000")
  int accounts;

  @Param("10")
  int hot;

  @Param("0.8")
  double hotShare;

  @Param("50")
  int clients;

  @Param("true")
  boolean rerun;

  @Param("1000")
  long maxChangeAgeMillis;

  Bank bank;

  @Setup
  public void setUp() {
    bank = new Bank(accounts, maxChangeAgeMillis);
  }

  /** One logical client: the transfer it wants done and its transaction in flight. */
  static final class Client {
    int from;
    int to;
    long amount;
    Transaction pending;
  }

  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Clients {
    public long committed;
    public long conflicts;
    final SplittableRandom rnd = new SplittableRandom();
    final Golden golden = new Golden();
    Client[] clients;
    int next;

    @Setup(Level.Trial)
    public void start(HotTransferBench b, BenchmarkParams params) {
      clients = new Client[Math.max(1, b.clients / params.getThreads())];
      for (int i = 0; i < clients.length; i++) {
        clients[i] = new Client();
        b.choose(clients[i], rnd);
        clients[i].pending = b.prepare(clients[i]);
      }
    }

    @Setup(Level.Iteration)
    public void reset() {
      committed = 0;
      conflicts = 0;
    }
  }

  @Benchmark
  public CommitResult commitNextClient(Clients s) {
    s.golden.tick(bank.store);
    Client c = s.clients[s.next];
    s.next = s.next + 1 == s.clients.length ? 0 : s.next + 1;
    CommitResult r = c.pending.commit();
    if (r.isValid()) {
      s.committed++;
      choose(c, s.rnd);
    } else {
      s.conflicts++;
      if (!rerun) {
        choose(c, s.rnd);
      }
    }
    c.pending = prepare(c);
    return r;
  }

  void choose(Client c, SplittableRandom rnd) {
    int range = rnd.nextDouble() < hotShare ? hot : bank.accounts.length;
    c.from = rnd.nextInt(range);
    c.to = (c.from + 1 + rnd.nextInt(range - 1)) % range;
    c.amount = 1 + rnd.nextInt(100);
  }

  Transaction prepare(Client c) {
    return bank.prepareTransfer(c.from, c.to, c.amount);
  }
}
