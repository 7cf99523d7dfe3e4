package io.querysub.engine.wal;

import java.nio.file.Path;

/**
 * Where and how the log is kept.
 *
 * @param dir the directory of the segment files (created when missing)
 * @param flushMillis the least time between two syncs; 0 syncs as soon as records wait
 * @param segmentBytes the size past which the current segment is closed and a new one started (a
 *     segment may exceed it by the records of one sync)
 */
public record WalOptions(Path dir, long flushMillis, long segmentBytes) {
  public static final long DEFAULT_FLUSH_MILLIS = 5;
  public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;

  public WalOptions {
    if (flushMillis < 0) {
      throw new IllegalArgumentException("flushMillis must not be negative");
    }
    if (segmentBytes < 1024) {
      throw new IllegalArgumentException("segmentBytes must be at least 1024");
    }
  }

  public static WalOptions defaults(Path dir) {
    return new WalOptions(dir, DEFAULT_FLUSH_MILLIS, DEFAULT_SEGMENT_BYTES);
  }
}
