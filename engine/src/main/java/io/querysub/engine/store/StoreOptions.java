package io.querysub.engine.store;

import java.time.Duration;

/**
 * Tuning of a {@link Store}.
 *
 * @param shardDepth how many leading segments choose a path's shard (paths sharing them share a
 *     shard and commit under one lock)
 * @param maxChangeAge how far behind the clock the golden horizon trails: older versions can no
 *     longer change validity, and writes at or behind the horizon are refused with TOO_OLD
 * @param historyRetention how long superseded versions are kept once golden (0: only the newest
 *     golden version of each path is kept)
 * @param stripes number of commit locks (a power of two); shards hash onto them
 */
public record StoreOptions(
    int shardDepth, Duration maxChangeAge, Duration historyRetention, int stripes) {

  public static final StoreOptions DEFAULTS =
      new StoreOptions(2, Duration.ofSeconds(60), Duration.ZERO, 64);

  public StoreOptions {
    if (shardDepth < 1 || shardDepth > 64) {
      throw new IllegalArgumentException("shardDepth must be 1..64");
    }
    if (maxChangeAge.isNegative() || historyRetention.isNegative()) {
      throw new IllegalArgumentException("durations must not be negative");
    }
    if (stripes < 1 || Integer.bitCount(stripes) != 1) {
      throw new IllegalArgumentException("stripes must be a power of two");
    }
  }

  public StoreOptions withMaxChangeAge(Duration d) {
    return new StoreOptions(shardDepth, d, historyRetention, stripes);
  }

  public StoreOptions withHistoryRetention(Duration d) {
    return new StoreOptions(shardDepth, maxChangeAge, d, stripes);
  }
}
