package io.querysub.engine.archive;

import io.querysub.engine.archive.internal.Fields;
import io.querysub.engine.archive.internal.SegmentLayout;
import io.querysub.engine.archive.internal.SegmentScanner;
import io.querysub.engine.archive.internal.WriteCodec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte layout of segments (docs/archive-format.md): a header, then length-prefixed records each
 * with its own checksum and a marker a scan can resynchronize on after damage. Stateless and
 * thread-safe.
 */
public final class SegmentCodec {
  private SegmentCodec() {}

  /**
   * Encodes a segment holding {@code writes} in the given order.
   *
   * @throws IllegalArgumentException when the header has a negative partition or sequence, a large
   *     value's key is not a valid {@link ArchiveKeys#check key} or its size is negative, or the
   *     segment would not fit in one array
   */
  public static byte[] encode(SegmentHeader header, List<ArchivedWrite> writes) {
    byte[] head = SegmentLayout.header(header);
    List<WriteCodec.Prepared> prepared = new ArrayList<>(writes.size());
    long size = head.length;
    for (ArchivedWrite w : writes) {
      WriteCodec.Prepared p = WriteCodec.prepare(w);
      prepared.add(p);
      size += SegmentLayout.RECORD_HEADER + p.size();
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a segment of " + size + " bytes is too large");
    }
    byte[] out = new byte[(int) size];
    ByteBuffer b = ByteBuffer.wrap(out);
    b.put(head);
    for (WriteCodec.Prepared p : prepared) {
      int at = b.position();
      b.putInt(SegmentLayout.MARKER);
      b.putInt(p.size());
      b.putInt(0); // the checksum, below
      WriteCodec.put(b, p);
      b.putInt(at + 8, SegmentLayout.recordChecksum(out, at, p.size()));
    }
    return out;
  }

  /**
   * Reads a segment, skipping damage: after a bad record the scan looks for the next record marker
   * whose length and checksum hold, and goes on from there. Never throws on bad bytes.
   *
   * <p>What is returned is exactly what was encoded, minus the records that damage touched, unless
   * a checksum collides (a 1 in 2<sup>32</sup> chance for a damaged record). A segment cut at a
   * record boundary, or missing whole records, reads as clean: the manifest's record count and size
   * for the segment are how a reader sees that.
   */
  public static SegmentScan scan(byte[] bytes) {
    return SegmentScanner.scan(bytes);
  }

  /**
   * The writes of a segment that must be whole: exactly the size, no damage, and the record count
   * its manifest entry {@code ref} lists (a merge, a backup and a check never go on past damage).
   *
   * @param key where the bytes were read (the archive's key, or a backup's copy), for messages
   * @throws ArchiveFormatException naming the segment and what differs (the first damaged stretch)
   */
  public static List<ArchivedWrite> readWhole(String key, SegmentRef ref, byte[] bytes)
      throws ArchiveFormatException {
    if (bytes.length != ref.bytes()) {
      throw new ArchiveFormatException(
          "segment " + key + " holds " + bytes.length + " bytes, its entry says " + ref.bytes());
    }
    SegmentScan scan = scan(bytes);
    if (!scan.clean()) {
      SegmentScan.Damage d = scan.damage().get(0);
      throw new ArchiveFormatException(
          "segment " + key + " is damaged at offset " + d.offset() + " (" + d.reason() + ")");
    }
    if (scan.writes().size() != ref.records()) {
      throw new ArchiveFormatException(
          "segment "
              + key
              + " holds "
              + scan.writes().size()
              + " records, its entry says "
              + ref.records());
    }
    return scan.writes();
  }

  /** The CRC32C of {@code bytes}, as a {@link LargeRef} records it for a large value's object. */
  public static int crc32c(byte[] bytes) {
    return Fields.crc32c(bytes, 0, bytes.length);
  }
}
