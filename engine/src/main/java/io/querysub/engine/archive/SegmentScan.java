package io.querysub.engine.archive;

import java.util.List;

/**
 * What reading a segment found: its header (null when the header is damaged), every record that
 * read back whole and checksummed, in file order, and each damaged stretch that was skipped.
 */
public record SegmentScan(SegmentHeader header, List<ArchivedWrite> writes, List<Damage> damage) {
  public SegmentScan {
    writes = List.copyOf(writes);
    damage = List.copyOf(damage);
  }

  /**
   * A stretch of a segment that could not be read.
   *
   * @param offset where it starts
   * @param length how many bytes were skipped: 0 only for a header that is missing altogether,
   *     reported at offset 0 when the records start right there
   * @param reason what was wrong there
   */
  public record Damage(long offset, long length, String reason) {}

  public boolean clean() {
    return header != null && damage.isEmpty();
  }
}
