package io.querysub.engine.version;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A hybrid logical clock for one node. {@link #now()} never goes backwards and never repeats;
 * {@link #observe(Version)} merges a version seen from elsewhere so that every later {@code now()}
 * is above it. Lock-free and safe from any thread.
 *
 * <p>When more than 65,536 versions are taken within one millisecond the counter carries into the
 * millisecond field: the clock then runs slightly ahead of physical time until physical time
 * catches up, which keeps the order total without blocking.
 */
public final class HybridClock {
  private final int node;
  private final LongSupplier millis;
  private final AtomicLong last = new AtomicLong();

  public HybridClock(int node) {
    this(node, System::currentTimeMillis);
  }

  public HybridClock(int node, LongSupplier millis) {
    if (node < 0) {
      throw new IllegalArgumentException("node id must not be negative");
    }
    this.node = node;
    this.millis = millis;
  }

  public int node() {
    return node;
  }

  /** A new version, above every version this clock issued or observed before. */
  public Version now() {
    long physical = millis.getAsLong() << Version.COUNTER_BITS;
    while (true) {
      long prev = last.get();
      long next = Math.max(physical, prev + 1);
      if (last.compareAndSet(prev, next)) {
        return new Version(next, node);
      }
    }
  }

  /** Merges a received version: every later {@link #now()} is above it. */
  public void observe(Version v) {
    last.accumulateAndGet(v.stamp(), Math::max);
  }

  /** The physical time, in milliseconds, as this clock's source tells it. */
  public long physicalMillis() {
    return millis.getAsLong();
  }

  /** The highest stamp issued or observed so far (without taking a new one). */
  public long lastStamp() {
    return last.get();
  }
}
