package io.querysub.engine.tx;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.CommitResult;
import io.querysub.engine.store.ReadResult;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bank transfers and read-all audits run by several threads against one store, every committed
 * transaction recorded in a {@link BankHistory}. A transfer reads two balances and writes both,
 * moving at most what the source holds; a rejected one is rerun with fresh reads. An audit reads
 * every account and commits read-only; an accepted audit must see the total.
 */
final class BankWorkload {
  final Store store;
  final List<Path> accounts = new ArrayList<>();
  final long total;
  final BankHistory history = new BankHistory();
  final AtomicLong transfers = new AtomicLong();
  final AtomicLong reruns = new AtomicLong();
  final AtomicLong auditsAccepted = new AtomicLong();
  final AtomicLong auditsRejected = new AtomicLong();

  /** Sums seen by accepted audits that differ from the total, and negative balances written. */
  final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();

  BankWorkload(Store store, int accountCount, long balance) {
    this.store = store;
    List<Write> opening = new ArrayList<>();
    Map<Path, Value> written = new HashMap<>();
    for (int i = 0; i < accountCount; i++) {
      Path p = Path.of("accounts", "a" + i);
      accounts.add(p);
      opening.add(new Write(p, balanceValue(balance)));
      written.put(p, balanceValue(balance));
    }
    this.total = balance * accountCount;
    CommitResult r = store.commit(List.of(), opening);
    if (!r.isValid()) {
      throw new IllegalStateException("opening balances rejected: " + r);
    }
    history.record(r.version(), Map.of(), written);
  }

  /** One worker's loop: {@code auditShare} of its operations are audits, the rest transfers. */
  void work(Random rnd, int operations, double auditShare, long deadlineNanos) {
    for (int i = 0; i < operations && System.nanoTime() < deadlineNanos; i++) {
      if (rnd.nextDouble() < auditShare) {
        audit(rnd);
      } else {
        int from = rnd.nextInt(accounts.size());
        int to = (from + 1 + rnd.nextInt(accounts.size() - 1)) % accounts.size();
        transfer(rnd, accounts.get(from), accounts.get(to), 1 + rnd.nextInt(300));
      }
    }
  }

  private void transfer(Random rnd, Path from, Path to, long wanted) {
    while (true) {
      Transaction tx = store.begin();
      Map<Path, ReadResult> reads = new HashMap<>();
      ReadResult a = tx.read(from);
      ReadResult b = tx.read(to);
      reads.put(from, a);
      reads.put(to, b);
      long fromBalance = balanceOf(a);
      long moved = Math.min(wanted, fromBalance);
      Map<Path, Value> writes =
          Map.of(from, balanceValue(fromBalance - moved), to, balanceValue(balanceOf(b) + moved));
      writes.forEach(tx::write);
      widenWindow(rnd);
      CommitResult r = tx.commit();
      if (r.isValid()) {
        history.record(r.version(), reads, writes);
        transfers.incrementAndGet();
        writes.forEach(
            (p, v) -> {
              if (balanceOf(v) < 0) {
                violations.add(r.version() + " wrote a negative balance " + v + " to " + p);
              }
            });
        return;
      }
      reruns.incrementAndGet();
    }
  }

  private void audit(Random rnd) {
    Transaction tx = store.begin();
    Map<Path, ReadResult> reads = new HashMap<>();
    long sum = 0;
    for (Path p : accounts) {
      ReadResult r = tx.read(p);
      reads.put(p, r);
      sum += balanceOf(r);
      if ((p.hashCode() & 7) == 0) {
        widenWindow(rnd);
      }
    }
    CommitResult r = tx.commit();
    if (!r.isValid()) {
      auditsRejected.incrementAndGet();
      return;
    }
    auditsAccepted.incrementAndGet();
    history.record(r.version(), reads, Map.of());
    if (sum != total) {
      violations.add("audit at " + r.version() + " summed " + sum + ", expected " + total);
    }
  }

  /** Lets other threads commit between a transaction's reads and its commit, now and then. */
  private static void widenWindow(Random rnd) {
    if (rnd.nextInt(4) == 0) {
      Thread.yield();
    }
  }

  static Value balanceValue(long balance) {
    return Value.ofJson(Long.toString(balance));
  }

  static long balanceOf(ReadResult r) {
    return balanceOf(r.value());
  }

  static long balanceOf(Value v) {
    if (v.isAbsent()) {
      throw new IllegalStateException("an account has no balance");
    }
    return Long.parseLong(v.json());
  }
}
