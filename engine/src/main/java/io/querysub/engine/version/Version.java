package io.querysub.engine.version;

import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import java.io.Serializable;

/**
 * A hybrid logical clock timestamp: physical milliseconds and a logical counter packed into one
 * {@code stamp} ({@code millis << 16 | counter}), and the id of the node that assigned it. Totally
 * ordered by stamp, then node, so versions from different nodes never tie.
 *
 * <p>{@link #ZERO} stands for "nothing": a read lock with read version zero saw no value. Text form
 * {@code millis.counter.node} (for example {@code 1764072000123.5.1}), and {@code 0} for zero.
 */
public record Version(long stamp, int node) implements Comparable<Version>, Serializable {
  public static final Version ZERO = new Version(0, 0);

  public static final int COUNTER_BITS = 16;

  public Version {
    if (stamp < 0 || node < 0) {
      throw new IllegalArgumentException("version parts must not be negative");
    }
  }

  public static Version of(long millis, int counter, int node) {
    if (counter < 0 || counter >= (1 << COUNTER_BITS)) {
      throw new IllegalArgumentException("counter out of range: " + counter);
    }
    return new Version((millis << COUNTER_BITS) | counter, node);
  }

  public long millis() {
    return stamp >>> COUNTER_BITS;
  }

  public int counter() {
    return (int) (stamp & ((1 << COUNTER_BITS) - 1));
  }

  public boolean isZero() {
    return stamp == 0 && node == 0;
  }

  public boolean isAfter(Version o) {
    return compareTo(o) > 0;
  }

  public boolean isBefore(Version o) {
    return compareTo(o) < 0;
  }

  @Override
  public int compareTo(Version o) {
    int c = Long.compare(stamp, o.stamp);
    return c != 0 ? c : Integer.compare(node, o.node);
  }

  /** Parses the text form; refuses anything else with {@code VERSION_INVALID}. */
  public static Version parse(String text) {
    if (text == null || text.isEmpty()) {
      throw bad(text);
    }
    if (text.equals("0")) {
      return ZERO;
    }
    String[] parts = text.split("\\.", -1);
    if (parts.length != 3) {
      throw bad(text);
    }
    try {
      long millis = Long.parseLong(parts[0]);
      int counter = Integer.parseInt(parts[1]);
      int node = Integer.parseInt(parts[2]);
      if (millis < 0 || millis >= (1L << (63 - COUNTER_BITS)) || node < 0) {
        throw bad(text);
      }
      return of(millis, counter, node);
    } catch (IllegalArgumentException e) {
      throw bad(text);
    }
  }

  private static QuerysubException bad(String text) {
    return new QuerysubException(
        ErrorCode.VERSION_INVALID,
        "version must be '0' or 'millis.counter.node', got '" + text + "'");
  }

  @Override
  public String toString() {
    return isZero() ? "0" : millis() + "." + counter() + "." + node;
  }
}
