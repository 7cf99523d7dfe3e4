package io.querysub.engine.bench;

import io.querysub.engine.archive.ArchiveLoader;
import io.querysub.engine.archive.Archiver;
import io.querysub.engine.archive.ArchiverOptions;
import io.querysub.engine.archive.LocalDirectoryArchiveStore;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.StoreOptions;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import io.querysub.engine.version.HybridClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Recovery time of a node whose {@code N} paths (default 1,000,000) are all in its archive: writes
 * one commit per path {@code /items/iN} with a distinct {@code S}-byte JSON string (default 100)
 * into a store, makes them golden, archives them to a local directory with the default archiver
 * options (16 partitions), then recovers as a node does at start (load the newest manifest's
 * segments into a new store, move the golden horizon) and prints the times, the archive's size and
 * the heap. Arguments: {@code N S [dir]}.
 */
public final class ArchiveRecoveryHarness {
  private ArchiveRecoveryHarness() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    java.nio.file.Path base =
        java.nio.file.Path.of(args.length > 2 ? args[2] : System.getProperty("java.io.tmpdir"));
    java.nio.file.Path dir = Files.createTempDirectory(base, "archive-recovery");
    ArchiverOptions options = ArchiverOptions.defaults(StoreOptions.DEFAULTS.shardDepth());
    try (LocalDirectoryArchiveStore archive = new LocalDirectoryArchiveStore(dir)) {
      long t0 = System.nanoTime();
      Store s = new Store(StoreOptions.DEFAULTS, new HybridClock(1));
      Archiver a =
          new Archiver(
              archive, options, ArchiveLoader.load(archive, s), null, System::currentTimeMillis);
      s.setGoldenSink(a);
      for (int i = 0; i < n; i++) {
        s.commit(List.of(), List.of(new Write(Path.of("items", "i" + i), value(i, size))));
      }
      long writeMs = (System.nanoTime() - t0) / 1_000_000;
      long g0 = System.nanoTime();
      s.advanceGolden(s.clock().now());
      long archived = a.archiveNow();
      long archiveMs = (System.nanoTime() - g0) / 1_000_000;
      long bytes = 0;
      List<String> keys = archive.list("");
      for (String k : keys) {
        bytes += archive.size(k);
      }
      System.out.printf(
          "wrote %,d commits in %,d ms; archived %,d writes in %,d ms: %,d bytes in %d objects%n",
          n, writeMs, archived, archiveMs, bytes, keys.size());
      s = null;
      a = null;
      for (int run = 0; run < 3; run++) {
        System.gc();
        long r0 = System.nanoTime();
        Store t = new Store(StoreOptions.DEFAULTS, new HybridClock(1));
        ArchiveLoader.Loaded l = ArchiveLoader.load(archive, t);
        long loadMs = (System.nanoTime() - r0) / 1_000_000;
        t.advanceGolden(l.archivedUpTo());
        long totalMs = (System.nanoTime() - r0) / 1_000_000;
        if (t.pathCount() < n) {
          throw new IllegalStateException("recovered " + t.pathCount() + " paths of " + n);
        }
        System.gc();
        Runtime rt = Runtime.getRuntime();
        System.out.printf(
            "recovery %d: %,d writes from %d segments: load %,d ms, total %,d ms; %,d paths;"
                + " heap after GC %,d MB%n",
            run,
            l.writes(),
            l.segments(),
            loadMs,
            totalMs,
            t.pathCount(),
            (rt.totalMemory() - rt.freeMemory()) >> 20);
      }
    } finally {
      try (var all = Files.walk(dir)) {
        for (var p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private static Value value(int i, int size) {
    byte[] b = new byte[size];
    Arrays.fill(b, (byte) 'a');
    b[0] = '"';
    b[size - 1] = '"';
    byte[] id = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(id, 0, b, 1, Math.min(id.length, size - 2));
    return Value.ofJsonBytes(b);
  }
}
