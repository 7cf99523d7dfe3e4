package io.querysub.it.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Round-trip times in nanoseconds, bounded in count (samples past the capacity are counted but not
 * kept). Thread-safe: callbacks of one connection may arrive on several client threads.
 */
final class Latencies {
  private final long[] samples;
  private int kept;
  private long count;

  Latencies(int capacity) {
    samples = new long[capacity];
  }

  synchronized void add(long nanos) {
    if (kept < samples.length) {
      samples[kept++] = nanos;
    }
    count++;
  }

  synchronized long count() {
    return count;
  }

  /** Every kept sample of {@code parts}, sorted. */
  static long[] merged(List<Latencies> parts) {
    int n = 0;
    for (Latencies l : parts) {
      synchronized (l) {
        n += l.kept;
      }
    }
    long[] all = new long[n];
    int at = 0;
    for (Latencies l : parts) {
      synchronized (l) {
        int k = Math.min(l.kept, n - at);
        System.arraycopy(l.samples, 0, all, at, k);
        at += k;
      }
    }
    Arrays.sort(all, 0, at);
    return at == n ? all : Arrays.copyOf(all, at);
  }

  /** "p50 0.412 ms, p99 1.203 ms, max 5.100 ms (n=12345)" from sorted samples. */
  static String summary(long[] sorted) {
    if (sorted.length == 0) {
      return "no samples";
    }
    return String.format(
        "p50 %.3f ms, p99 %.3f ms, max %.3f ms (n=%d)",
        ms(percentile(sorted, 50)),
        ms(percentile(sorted, 99)),
        ms(sorted[sorted.length - 1]),
        sorted.length);
  }

  static long percentile(long[] sorted, double p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static double ms(long nanos) {
    return nanos / 1e6;
  }
}
