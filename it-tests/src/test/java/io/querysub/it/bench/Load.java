package io.querysub.it.bench;

import io.querysub.websocket.client.SyncException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed loop: {@code connections} senders, each keeping at most {@code window} requests in
 * flight, for a warm-up and then a measured interval. Requests answered inside the measured
 * interval count for the rate; those also sent inside it give the latencies. Bounded in time (the
 * intervals plus at most 10 s to drain) and in kept samples.
 */
final class Load {
  /** One request on connection {@code conn}; {@code seq} counts that connection's requests. */
  interface Op {
    CompletableFuture<?> call(int conn, long seq);
  }

  /** Runs {@code body}, which makes several requests on connection {@code conn}, as one batch. */
  interface Batcher {
    void run(int conn, Runnable body);
  }

  /**
   * What a run measured: answers per second in the measured interval and sorted latencies; errors
   * over the whole run (warm-up included), and how many of each kind ({@link #kind}).
   */
  record Result(double perSecond, long[] latencies, Map<String, Long> errorKinds) {
    long errors() {
      return errorKinds.values().stream().mapToLong(Long::longValue).sum();
    }

    String line() {
      return String.format(
          "%,.0f/s; %s; errors %d%s",
          perSecond,
          Latencies.summary(latencies),
          errors(),
          errorKinds.isEmpty() ? "" : " " + errorKinds);
    }
  }

  /**
   * An error's kind: the server's code for a {@code SyncException} that carries one ("CODE:
   * message"), "rejected" for an answer that says so, "no answer" for a sender that gave up, else
   * the exception's class.
   */
  static String kind(Throwable e) {
    if (e == null) {
      return "rejected";
    }
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    String m = t.getMessage();
    if (t instanceof SyncException && m != null && m.matches("[A-Z_]+: .*")) {
      return m.substring(0, m.indexOf(':'));
    }
    return t.getClass().getSimpleName();
  }

  private Load() {}

  private static void count(Map<String, AtomicLong> errors, String kind) {
    errors.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
  }

  private static void call(
      Op op,
      int conn,
      long seq,
      Semaphore w,
      long from,
      long to,
      AtomicLong answered,
      Map<String, AtomicLong> errors,
      Latencies lat) {
    long t0 = System.nanoTime();
    CompletableFuture<?> f;
    try {
      f = op.call(conn, seq);
    } catch (RuntimeException e) {
      count(errors, kind(e));
      w.release();
      return;
    }
    f.whenComplete(
        (r, e) -> {
          long t1 = System.nanoTime();
          if (e != null || Boolean.FALSE.equals(r)) {
            count(errors, kind(e));
          } else if (t1 >= from && t1 < to) {
            answered.incrementAndGet();
            if (t0 >= from) {
              lat.add(t1 - t0);
            }
          }
          w.release();
        });
  }

  static Result run(int connections, int window, double warmupSec, double measureSec, Op op)
      throws InterruptedException {
    return run(connections, window, warmupSec, measureSec, op, null);
  }

  /**
   * @param batcher null: one request per free window place, as it frees; otherwise each sender
   *     takes every free place at once and makes that many requests inside one batch
   */
  static Result run(
      int connections, int window, double warmupSec, double measureSec, Op op, Batcher batcher)
      throws InterruptedException {
    long start = System.nanoTime();
    long from = start + (long) (warmupSec * 1e9);
    long to = from + (long) (measureSec * 1e9);
    AtomicLong answered = new AtomicLong();
    Map<String, AtomicLong> errors = new ConcurrentHashMap<>(); // by kind
    List<Latencies> parts = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    List<Semaphore> windows = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      Latencies lat = new Latencies(2_000_000 / connections + 1000);
      Semaphore w = new Semaphore(window);
      parts.add(lat);
      windows.add(w);
      int conn = c;
      Thread t =
          new Thread(
              () -> {
                long seq = 0;
                while (System.nanoTime() < to) {
                  try {
                    if (!w.tryAcquire(5, TimeUnit.SECONDS)) {
                      count(errors, "no answer"); // stop this sender
                      return;
                    }
                  } catch (InterruptedException e) {
                    return;
                  }
                  int places = batcher == null ? 1 : 1 + w.drainPermits();
                  long first = seq;
                  seq += places;
                  Runnable body =
                      () -> {
                        for (long q = first; q < first + places; q++) {
                          call(op, conn, q, w, from, to, answered, errors, lat);
                        }
                      };
                  if (batcher == null) {
                    body.run();
                  } else {
                    batcher.run(conn, body);
                  }
                }
              },
              "load-" + c);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join(TimeUnit.NANOSECONDS.toMillis(to - System.nanoTime()) + 15_000);
    }
    for (int c = 0; c < connections; c++) { // drain, so the next run starts from quiet
      windows.get(c).tryAcquire(window, 10, TimeUnit.SECONDS);
    }
    Map<String, Long> byKind = new TreeMap<>();
    errors.forEach((k, n) -> byKind.put(k, n.get()));
    return new Result(answered.get() / measureSec, Latencies.merged(parts), byKind);
  }
}
