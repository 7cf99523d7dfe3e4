package io.querysub.it.bench;

import static io.querysub.it.bench.WsBench.await;

import io.querysub.websocket.client.Batch;
import io.querysub.websocket.client.Change;
import io.querysub.websocket.client.CommitResult;
import io.querysub.websocket.client.Entry;
import io.querysub.websocket.client.Snapshot;
import io.querysub.websocket.client.SyncClient;
import io.querysub.websocket.client.Tx;
import io.querysub.websocket.client.WatchListener;
import jakarta.json.JsonNumber;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The measurements that watch: notification latency (commit on one connection, change on another),
 * a transaction whose read version comes from a watch, and fan-out of one write to many watchers.
 * Both ends run in this JVM, so sending and receiving times are read from one clock.
 */
final class Watchers {
  private static final int WARMUP_ROUNDS = 300;

  private final PayaraNode node;
  private final int iterations;
  private final Duration timeout;

  Watchers(PayaraNode node, int iterations, Duration timeout) {
    this.node = node;
    this.iterations = iterations;
    this.timeout = timeout;
  }

  /** (4) Sequential commits on one connection; the time until a second connection has each. */
  void notification() throws Exception {
    String path = "/notify/x/v";
    try (SyncClient writer = connect("notify-writer");
        SyncClient watcher = connect("notify-watcher")) {
      await(writer.commit(Tx.create().set(path, -1)));
      Expect expect = new Expect();
      CompletableFuture<Snapshot> started = new CompletableFuture<>();
      watcher.watch(path, listener(started, v -> expect.arrived(v)));
      await(started);
      Latencies lat = new Latencies(iterations);
      for (int i = 0; i < WARMUP_ROUNDS + iterations; i++) {
        CompletableFuture<Long> arrival = expect.next(i);
        long t0 = System.nanoTime();
        CompletableFuture<CommitResult> result = writer.commit(Tx.create().set(path, i));
        long t1 = await(arrival);
        await(result);
        if (i >= WARMUP_ROUNDS) {
          lat.add(t1 - t0);
        }
      }
      System.out.println(
          "(4) notification, commit sent -> watcher has it: "
              + Latencies.summary(Latencies.merged(List.of(lat))));
    }
  }

  /**
   * (6) Commits whose read lock is the version a watch delivered (no {@code read} request), against
   * a read then a commit (two round trips).
   */
  void cachedReads(Load.Result oneConnection) throws Exception {
    String path = "/cached/a/v";
    try (SyncClient c = connect("cached")) {
      await(c.commit(Tx.create().set(path, 0)));
      CachedVersion cache = new CachedVersion();
      CompletableFuture<Snapshot> started = new CompletableFuture<>();
      c.watch(
          path,
          new WatchListener() {
            @Override
            public void snapshot(Snapshot s) {
              cache.set(s.entries().get(0).version());
              started.complete(s);
            }

            @Override
            public void changes(List<Batch> batches, boolean coalesced) {
              for (Batch b : batches) {
                for (Change ch : b.changes()) {
                  cache.set(ch.version());
                }
              }
            }
          });
      await(started);
      Latencies cached = new Latencies(iterations);
      Latencies twoTrips = new Latencies(iterations);
      long rejected = 0;
      for (int i = 0; i < WARMUP_ROUNDS + iterations; i++) {
        String v = cache.get();
        long t0 = System.nanoTime();
        CommitResult r = await(c.commit(Tx.create().read(path, v).set(path, i)));
        long t1 = System.nanoTime();
        rejected += r.valid() ? 0 : 1;
        if (i >= WARMUP_ROUNDS) {
          cached.add(t1 - t0);
        }
        if (r.valid()) {
          cache.await(r.version(), timeout); // the watch delivers the new version (not timed)
        }
      }
      for (int i = 0; i < WARMUP_ROUNDS + iterations; i++) {
        long t0 = System.nanoTime();
        Entry e = await(c.read(path));
        CommitResult r = await(c.commit(Tx.create().read(path, e.version()).set(path, -i)));
        long t1 = System.nanoTime();
        rejected += r.valid() ? 0 : 1;
        if (i >= WARMUP_ROUNDS) {
          twoTrips.add(t1 - t0);
        }
      }
      long[] a = Latencies.merged(List.of(cached));
      System.out.println(
          "(6) commit with the read version from the watch (1 round trip): "
              + Latencies.summary(a)
              + "; rejected "
              + rejected);
      System.out.println(
          "    read, then commit (2 round trips): "
              + Latencies.summary(Latencies.merged(List.of(twoTrips))));
      if (oneConnection != null && oneConnection.latencies().length > 0) {
        System.out.printf(
            "    p50 of (6) / p50 of (1) blind commit, 1 connection = %.2f%n",
            (double) Latencies.percentile(a, 50)
                / Latencies.percentile(oneConnection.latencies(), 50));
      }
    }
  }

  /** (5) {@code n} connections watch one path; one write; time until the last has it. */
  void fanOut(int n, int rounds) throws Exception {
    String path = "/fan/x/v";
    List<SyncClient> watchers = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (SyncClient writer = connect("fan-writer")) {
      await(writer.commit(Tx.create().set(path, -1)));
      Round round = new Round();
      CountDownLatch started = new CountDownLatch(n);
      List<Future<SyncClient>> connecting = new ArrayList<>();
      long c0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        String id = "fan-" + i;
        connecting.add(
            pool.submit(
                () -> {
                  SyncClient c = connect(id);
                  CompletableFuture<Snapshot> s = new CompletableFuture<>();
                  s.thenRun(started::countDown);
                  c.watch(path, listener(s, round::arrived));
                  return c;
                }));
      }
      for (Future<SyncClient> f : connecting) {
        watchers.add(f.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
      }
      if (!started.await(timeout.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException(started.getCount() + " watches did not start");
      }
      System.out.printf(
          "(5) %d watchers connected and watching in %.1f s%n", n, (System.nanoTime() - c0) / 1e9);
      Latencies last = new Latencies(rounds);
      Latencies first = new Latencies(rounds);
      // Unmeasured rounds first: 1,000 frames a round reach the JIT compilers' thresholds on
      // both sides only after some dozens of rounds.
      int warm = Integer.getInteger("bench.fanoutWarmup", 50);
      for (int r = 0; r < warm + rounds; r++) {
        CountDownLatch all = round.start(r, n);
        long t0 = System.nanoTime();
        CommitResult res = await(writer.commit(Tx.create().set(path, r)));
        if (!res.valid() || !all.await(timeout.toSeconds(), TimeUnit.SECONDS)) {
          throw new IllegalStateException("round " + r + ": " + all.getCount() + " never got it");
        }
        if (r >= warm) {
          if (Boolean.getBoolean("bench.fanoutEach")) {
            System.out.printf(
                "    round %d: first %.2f ms, last %.2f ms%n",
                r - warm, (round.first.get() - t0) / 1e6, (round.last.get() - t0) / 1e6);
          }
          last.add(round.last.get() - t0);
          first.add(round.first.get() - t0);
        }
        Thread.sleep(100); // let the node settle between rounds
      }
      System.out.println(
          "(5) fan-out to "
              + n
              + ", last watcher has it: "
              + Latencies.summary(Latencies.merged(List.of(last))));
      System.out.println(
          "    first watcher has it: " + Latencies.summary(Latencies.merged(List.of(first))));
    } finally {
      List<Future<?>> closing = new ArrayList<>();
      for (SyncClient c : watchers) {
        closing.add(pool.submit(c::close));
      }
      for (Future<?> f : closing) {
        f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      }
      pool.shutdown();
    }
  }

  private SyncClient connect(String clientId) {
    return SyncClient.connect(node.ws("/sync"), clientId, timeout);
  }

  /** A listener that completes {@code started} with the snapshot and passes on numeric values. */
  private static WatchListener listener(CompletableFuture<Snapshot> started, LongConsumer values) {
    return new WatchListener() {
      @Override
      public void snapshot(Snapshot s) {
        started.complete(s);
      }

      @Override
      public void changes(List<Batch> batches, boolean coalesced) {
        for (Batch b : batches) {
          for (Change c : b.changes()) {
            JsonValue v = c.value();
            if (v instanceof JsonNumber num) {
              values.accept(num.longValue());
            }
          }
        }
      }
    };
  }

  /** The arrival time of one expected value (notification). */
  private static final class Expect {
    private volatile long expected = Long.MIN_VALUE;
    private volatile CompletableFuture<Long> arrival;

    CompletableFuture<Long> next(long value) {
      CompletableFuture<Long> f = new CompletableFuture<>();
      arrival = f;
      expected = value;
      return f;
    }

    void arrived(long value) {
      long now = System.nanoTime();
      if (value == expected) {
        arrival.complete(now);
      }
    }
  }

  /** One fan-out round: how many watchers have the round's value, first and last arrival. */
  private static final class Round {
    private volatile long expected = Long.MIN_VALUE;
    private volatile CountDownLatch all = new CountDownLatch(0);
    final AtomicLong first = new AtomicLong();
    final AtomicLong last = new AtomicLong();

    CountDownLatch start(long value, int watchers) {
      first.set(Long.MAX_VALUE);
      last.set(0);
      all = new CountDownLatch(watchers);
      expected = value;
      return all;
    }

    void arrived(long value) {
      long now = System.nanoTime();
      if (value == expected) {
        first.accumulateAndGet(now, Math::min);
        last.accumulateAndGet(now, Math::max);
        all.countDown();
      }
    }
  }

  /** The newest version a watch delivered, and a way to wait for a given one. */
  private static final class CachedVersion {
    private String version;

    synchronized void set(String v) {
      version = v;
      notifyAll();
    }

    synchronized String get() {
      return version;
    }

    synchronized void await(String v, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!v.equals(version)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException("the watch never delivered " + v);
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
  }
}
