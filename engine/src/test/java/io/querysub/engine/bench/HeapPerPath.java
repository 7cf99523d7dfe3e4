package io.querysub.engine.bench;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.CommitResult;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.StoreOptions;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import io.querysub.engine.version.HybridClock;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import javax.management.ObjectName;

/**
 * Heap per stored path: stores {@code count} paths {@code /items/iN} (default 1,000,000), each with
 * a distinct JSON string value of {@code valueBytes} bytes (default 100), one blind commit per
 * path, and prints the heap in use after a full GC, per path, while the commits are still open
 * (inside {@code maxChangeAge}) and again once they are all golden. Run with a bounded heap (the
 * bench profile uses -Xmx1g): finishing at all shows the paths fit in it.
 *
 * <p>Arguments: {@code [count] [valueBytes] [--histogram]}; the last prints the largest classes.
 */
public final class HeapPerPath {
  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int valueBytes = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    boolean histogram = Arrays.asList(args).contains("--histogram");
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    long before = usedAfterGc(memory);
    Store store = new Store(StoreOptions.DEFAULTS, new HybridClock(1));
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      CommitResult r =
          store.commit(
              List.of(), List.of(new Write(Path.of("items", "i" + i), value(i, valueBytes))));
      if (!r.isValid()) {
        throw new IllegalStateException("write " + i + " rejected: " + r);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long open = usedAfterGc(memory) - before;
    if (histogram) {
      printHistogram(25);
    }
    int golden = store.advanceGolden(store.clock().now());
    long settled = usedAfterGc(memory) - before;

    System.out.printf(
        "paths=%d valueBytes=%d maxHeap=%dMiB pathEntries=%d stored in %.1f s%n",
        count, valueBytes, Runtime.getRuntime().maxMemory() >> 20, store.pathCount(), seconds);
    System.out.printf(
        "open (within maxChangeAge): %,d bytes heap = %.1f bytes/path%n",
        open, (double) open / count);
    System.out.printf(
        "golden (%d commits made golden): %,d bytes heap = %.1f bytes/path%n",
        golden, settled, (double) settled / count);
    Reference.reachabilityFence(store);
  }

  /** A JSON string of exactly {@code size} bytes, different for every {@code i}. */
  static Value value(int i, int size) {
    byte[] b = new byte[size];
    Arrays.fill(b, (byte) 'x');
    b[0] = '"';
    b[size - 1] = '"';
    byte[] n = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(n, 0, b, 1, Math.min(n.length, size - 2));
    return Value.ofJsonBytes(b);
  }

  private static long usedAfterGc(MemoryMXBean memory) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static void printHistogram(int lines) throws Exception {
    String text =
        (String)
            ManagementFactory.getPlatformMBeanServer()
                .invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram",
                    new Object[] {null},
                    new String[] {String[].class.getName()});
    text.lines().limit(lines + 3).forEach(System.out::println);
  }
}
