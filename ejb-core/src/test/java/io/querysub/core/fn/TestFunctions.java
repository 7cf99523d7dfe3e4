package io.querysub.core.fn;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.ReadLock;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** Functions the runner tests call. */
public class TestFunctions {
  public record Transfer(@NotBlank String from, @NotBlank String to, @Positive long amount) {}

  public final AtomicInteger runs = new AtomicInteger();

  /** Runs of {@code test.contended} that see another write land on their path. */
  public volatile int sabotagedRuns;

  public volatile Store store;
  public final CountDownLatch slowStarted = new CountDownLatch(1);

  @ServerFunction("bank.transfer")
  public long transfer(FunctionTx tx, @Valid @NotNull Transfer t) {
    runs.incrementAndGet();
    Long from = tx.get("/acct/" + t.from(), Long.class);
    Long to = tx.get("/acct/" + t.to(), Long.class);
    long a = from == null ? 0 : from;
    long b = to == null ? 0 : to;
    if (a < t.amount()) {
      throw new IllegalStateException("insufficient funds in " + t.from());
    }
    tx.set("/acct/" + t.from(), a - t.amount());
    tx.set("/acct/" + t.to(), b + t.amount());
    return a - t.amount();
  }

  /** bank.transfer, run with the system's rights: the rules do not restrict what it writes. */
  @ServerFunction(value = "bank.transferAsSystem", runAs = ServerFunction.RunAs.SYSTEM)
  public long transferAsSystem(FunctionTx tx, @Valid @NotNull Transfer t) {
    return transfer(tx, t);
  }

  /** Increments {@code /c}; while runs are left to sabotage, another write lands on it first. */
  @ServerFunction("test.contended")
  public long contended(FunctionTx tx) {
    runs.incrementAndGet();
    Long c = tx.get("/c", Long.class);
    long n = c == null ? 0 : c;
    if (tx.attempt() <= sabotagedRuns) {
      Path p = Path.parse("/c");
      store.commit(List.<ReadLock>of(), List.of(new Write(p, Value.ofJson("1000"))));
    }
    tx.set("/c", n + 1);
    return n + 1;
  }

  @ServerFunction(value = "test.sleepy", timeoutMillis = 300)
  public String sleepy(FunctionTx tx) throws InterruptedException {
    tx.set("/sleepy", "written before sleeping");
    slowStarted.countDown();
    Thread.sleep(30_000);
    return "woke";
  }

  @ServerFunction(value = "test.spinner", timeoutMillis = 300)
  public long spinner(FunctionTx tx) {
    long i = 0;
    while (true) { // ignores interrupts; the transaction stops it
      tx.set("/spin", i++);
    }
  }

  @ServerFunction("test.throws")
  public void throwing(FunctionTx tx) {
    tx.set("/thrown", 1);
    throw new IllegalArgumentException("no such thing");
  }

  @ServerFunction("test.noargs")
  public String noArgs(FunctionTx tx) {
    return tx.callId();
  }
}
