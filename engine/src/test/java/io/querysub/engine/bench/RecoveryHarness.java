package io.querysub.engine.bench;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.CommitResult;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.StoreOptions;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import io.querysub.engine.version.HybridClock;
import io.querysub.engine.wal.FileWriteAheadLog;
import io.querysub.engine.wal.Recovery;
import io.querysub.engine.wal.WalOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Recovery time of a node holding {@code N} paths (default 1,000,000): writes one commit per path
 * {@code /items/iN} with a distinct {@code S}-byte JSON string (default 100) through a store with
 * the log at its default settings, closes the log, then recovers as a node does at start (open the
 * log, replay every record into a new store, move the golden horizon) and prints the time and the
 * heap. The recovery runs twice: with the clock as it is (the commits are younger than {@code
 * maxChangeAge}, so the golden pass has nothing to do) and with the clock an hour later (every
 * replayed commit becomes golden in the golden pass). Arguments: {@code N S [dir]}.
 */
public final class RecoveryHarness {
  private RecoveryHarness() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    java.nio.file.Path base =
        java.nio.file.Path.of(args.length > 2 ? args[2] : System.getProperty("java.io.tmpdir"));
    java.nio.file.Path dir = Files.createTempDirectory(base, "recovery");
    try {
      WalOptions options = WalOptions.defaults(dir);
      long t0 = System.nanoTime();
      FileWriteAheadLog log = new FileWriteAheadLog(options);
      Store s = new Store(StoreOptions.DEFAULTS, new HybridClock(1), log);
      log.open(r -> {});
      CommitResult last = null;
      for (int i = 0; i < n; i++) {
        last = s.commit(List.of(), List.of(new Write(Path.of("items", "i" + i), value(i, size))));
      }
      s.awaitDurable(last);
      log.close();
      long writeMs = (System.nanoTime() - t0) / 1_000_000;
      long bytes = 0;
      for (var f : log.segmentFiles()) {
        bytes += Files.size(f);
      }
      System.out.printf(
          "wrote %,d commits in %,d ms: %,d bytes in %d segment files%n",
          n, writeMs, bytes, log.segmentFiles().size());
      s = null;
      System.gc();

      recover(options, n, size, 0);
      recover(options, n, size, 3_600_000);
    } finally {
      try (var all = Files.walk(dir)) {
        for (var p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private static void recover(WalOptions options, int n, int size, long later) {
    System.gc();
    long r0 = System.nanoTime();
    {
      FileWriteAheadLog again = new FileWriteAheadLog(options);
      Store t =
          new Store(
              StoreOptions.DEFAULTS,
              new HybridClock(1, () -> System.currentTimeMillis() + later),
              again);
      Recovery r = again.open(rec -> t.replay(rec.version(), rec.writes()));
      long replayMs = (System.nanoTime() - r0) / 1_000_000;
      t.advanceGolden();
      long totalMs = (System.nanoTime() - r0) / 1_000_000;
      System.gc();
      Runtime rt = Runtime.getRuntime();
      System.out.printf(
          "clock +%d ms: recovered %,d commits (%,d record bytes, %d segments) into %,d path"
              + " entries: read and replay %,d ms, with the golden pass %,d ms; heap after GC"
              + " %,d MiB (max %,d MiB)%n",
          later,
          r.records(),
          r.bytes(),
          r.segments(),
          t.pathCount(),
          replayMs,
          totalMs,
          (rt.totalMemory() - rt.freeMemory()) >> 20,
          rt.maxMemory() >> 20);
      if (!t.read(Path.of("items", "i" + (n - 1))).value().equals(value(n - 1, size))) {
        throw new AssertionError("the last path did not come back");
      }
      again.close();
    }
  }

  private static Value value(int i, int size) {
    byte[] b = new byte[size];
    Arrays.fill(b, (byte) 'x');
    b[0] = '"';
    b[size - 1] = '"';
    byte[] id = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(id, 0, b, 1, Math.min(id.length, size - 2));
    return Value.ofJsonBytes(b);
  }
}
