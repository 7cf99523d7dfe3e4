package io.querysub.core.fn;

import io.querysub.engine.error.ErrorCode;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one function: calls, failures by code, duration (mean over all calls, p99 over the
 * latest {@value #WINDOW}), read locks and reruns per call, and how many of its commits were
 * rejected. Thread-safe; recording costs a few atomic adds and one short lock.
 */
public final class FunctionStats {
  static final int WINDOW = 4096;

  private final LongAdder calls = new LongAdder();
  private final LongAdder finished = new LongAdder();
  private final LongAdder nanos = new LongAdder();
  private final LongAdder locks = new LongAdder();
  private final LongAdder reruns = new LongAdder();
  private final LongAdder commits = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final Map<ErrorCode, LongAdder> failures = new ConcurrentHashMap<>();
  private final long[] recent = new long[WINDOW]; // guarded by itself
  private long recorded; // guarded by recent

  void started() {
    calls.increment();
  }

  void committed(boolean valid) {
    commits.increment();
    if (!valid) {
      rejected.increment();
    }
  }

  /** A call ended: its code (null when it succeeded), duration, locks of its last run, runs. */
  void finished(ErrorCode code, long durationNanos, int lockCount, int runs) {
    finished.increment();
    nanos.add(durationNanos);
    locks.add(lockCount);
    reruns.add(Math.max(0, runs - 1));
    if (code != null) {
      failures.computeIfAbsent(code, c -> new LongAdder()).increment();
    }
    synchronized (recent) {
      recent[(int) (recorded++ % WINDOW)] = durationNanos;
    }
  }

  /** A consistent-enough copy of the counters. */
  public Snapshot snapshot() {
    long n = finished.sum();
    long[] window;
    synchronized (recent) {
      window = Arrays.copyOf(recent, (int) Math.min(recorded, WINDOW));
    }
    Arrays.sort(window);
    double p99 =
        window.length == 0 ? 0 : window[Math.min(window.length - 1, (int) (window.length * 0.99))];
    Map<String, Long> byCode = new TreeMap<>();
    failures.forEach((c, a) -> byCode.put(c.name(), a.sum()));
    long c = commits.sum();
    return new Snapshot(
        calls.sum(),
        n,
        byCode,
        n == 0 ? 0 : nanos.sum() / 1e6 / n,
        p99 / 1e6,
        n == 0 ? 0 : (double) locks.sum() / n,
        n == 0 ? 0 : (double) reruns.sum() / n,
        c == 0 ? 0 : (double) rejected.sum() / c);
  }

  /**
   * The counters of one function.
   *
   * @param calls calls started
   * @param finished calls ended (succeeded or failed)
   * @param failures failed calls by error code
   * @param meanMillis mean duration of a call, reruns included
   * @param p99Millis 99th percentile duration over the latest calls
   * @param locksPerCall read locks of a call's last run, on average
   * @param rerunsPerCall runs after the first, on average
   * @param rejectionRate the share of the function's commits that were rejected
   */
  public record Snapshot(
      long calls,
      long finished,
      Map<String, Long> failures,
      double meanMillis,
      double p99Millis,
      double locksPerCall,
      double rerunsPerCall,
      double rejectionRate) {}
}
