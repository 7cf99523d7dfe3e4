package io.querysub.engine.archive;

import java.time.Duration;

/**
 * How an {@link Archiver} works.
 *
 * @param partitions how many partitions writes are spread over (a power of two); a path's partition
 *     is a hash of its shard (its first {@code shardDepth} segments), so a shard's writes stay
 *     together
 * @param shardDepth the store's shard depth
 * @param largeValueBytes values larger than this go to objects of their own, loaded lazily
 * @param historyRetention how long a superseded version is kept in the archive once a newer one
 *     replaced it (merges drop older ones, and deletes older than this with all they superseded)
 * @param maxSegmentsPerPartition past this many segments, a partition's segments are merged into
 *     one
 * @param maxSegmentBytes a segment is closed at about this size and the next begun
 * @param interval how often golden writes are archived
 * @param retryMax the longest wait between failed attempts (waits double from {@code interval})
 * @param walKeep how much write-ahead log is kept behind what is archived (a margin for commits
 *     that became golden late)
 */
public record ArchiverOptions(
    int partitions,
    int shardDepth,
    long largeValueBytes,
    Duration historyRetention,
    int maxSegmentsPerPartition,
    long maxSegmentBytes,
    Duration interval,
    Duration retryMax,
    Duration walKeep) {

  public ArchiverOptions {
    if (partitions < 1 || partitions > 1024 || Integer.bitCount(partitions) != 1) {
      throw new IllegalArgumentException("partitions must be a power of two in 1..1024");
    }
    if (shardDepth < 1) {
      throw new IllegalArgumentException("shardDepth must be at least 1");
    }
    if (largeValueBytes < 1 || maxSegmentsPerPartition < 2 || maxSegmentBytes < 1024) {
      throw new IllegalArgumentException("sizes and counts out of range");
    }
    if (historyRetention.isNegative()
        || interval.isNegative()
        || interval.isZero()
        || retryMax.compareTo(interval) < 0
        || walKeep.isNegative()) {
      throw new IllegalArgumentException("durations out of range");
    }
  }

  /** Defaults for a store of {@code shardDepth}. */
  public static ArchiverOptions defaults(int shardDepth) {
    return new ArchiverOptions(
        16,
        shardDepth,
        8L << 20,
        Duration.ofDays(7),
        32,
        64L << 20,
        Duration.ofSeconds(5),
        Duration.ofSeconds(60),
        Duration.ofSeconds(60));
  }

  /** The partition of a path: a hash of its first {@code shardDepth} segments. */
  public int partitionOf(io.querysub.engine.path.Path p) {
    return p.shardHash(shardDepth) & (partitions - 1);
  }
}
