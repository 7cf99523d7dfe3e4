package io.querysub.engine.archive;

import java.util.List;

/**
 * The byte layout of segments (docs/archive-format.md): a header, then length-prefixed records each
 * with its own checksum and a marker a scan can resynchronize on after damage.
 */
public final class SegmentCodec {
  private SegmentCodec() {}

  /** Encodes a segment holding {@code writes} in the given order. */
  public static byte[] encode(SegmentHeader header, List<ArchivedWrite> writes) {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * Reads a segment, skipping damage: after a bad record the scan looks for the next record marker
   * whose length and checksum hold, and goes on from there. Never throws on bad bytes.
   */
  public static SegmentScan scan(byte[] bytes) {
    throw new UnsupportedOperationException("TODO");
  }
}
