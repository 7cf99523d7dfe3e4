package io.querysub.engine.archive.internal;

import io.querysub.engine.archive.SegmentHeader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * A segment's fixed parts (docs/archive-format.md). The 28-byte header: the magic {@code QSUB-SEG},
 * {@code u32} format version, {@code u32} partition, {@code u64} sequence, {@code u32} CRC32C of
 * the previous 24 bytes. Each record: the 4-byte {@link #MARKER}, {@code u32} payload length,
 * {@code u32} CRC32C of the length's four bytes followed by the payload, then the payload ({@link
 * WriteCodec}). Big-endian throughout. Stateless and thread-safe.
 */
public final class SegmentLayout {
  public static final int FORMAT = 1;
  public static final int HEADER = 28;

  /**
   * {@code FE 51 53 52} ({@code 0xFE}, then ASCII {@code QSR}). {@code 0xFE} never occurs in UTF-8,
   * so the marker cannot appear inside a path or a JSON value, only (by chance) in a binary field,
   * where the length and checksum that must follow it rule it out.
   */
  public static final int MARKER = 0xFE515352;

  /** Marker, length, checksum. */
  public static final int RECORD_HEADER = 12;

  private static final byte[] MAGIC = "QSUB-SEG".getBytes(StandardCharsets.US_ASCII);

  /** How {@link #checkHeader} starts its answer for a whole header of another format. */
  public static final String UNKNOWN_FORMAT = "unknown format version";

  private SegmentLayout() {}

  /**
   * What reading the header found: the header, or what is wrong with it. {@code foreign} is true
   * when the header is whole (its checksum holds) but says the bytes are not a format 1 segment:
   * then no record may be read from them.
   */
  public record HeaderCheck(SegmentHeader header, String problem, boolean foreign) {}

  public static byte[] header(SegmentHeader h) {
    if (h.partition() < 0 || h.sequence() < 0) {
      throw new IllegalArgumentException("a segment's partition and sequence must not be negative");
    }
    ByteBuffer b = ByteBuffer.allocate(HEADER);
    b.put(MAGIC).putInt(FORMAT).putInt(h.partition()).putLong(h.sequence());
    b.putInt(Fields.crc32c(b.array(), 0, HEADER - 4));
    return b.array();
  }

  public static HeaderCheck checkHeader(byte[] buf) {
    if (buf.length < HEADER) {
      return bad("the header is cut short (" + buf.length + " of " + HEADER + " bytes)", false);
    }
    ByteBuffer b = ByteBuffer.wrap(buf, 0, HEADER);
    if (b.getInt(HEADER - 4) != Fields.crc32c(buf, 0, HEADER - 4)) {
      return bad("the header's checksum does not match", false);
    }
    if (!Arrays.equals(buf, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      return bad("not a segment (wrong magic)", true);
    }
    int format = b.getInt(8);
    if (format != FORMAT) {
      return bad(
          UNKNOWN_FORMAT
              + " "
              + Integer.toUnsignedString(format)
              + " (this software reads "
              + FORMAT
              + ")",
          true);
    }
    int partition = b.getInt(12);
    long sequence = b.getLong(16);
    if (partition < 0 || sequence < 0) {
      return bad("the header's partition or sequence is out of range", true);
    }
    return new HeaderCheck(new SegmentHeader(partition, sequence), null, false);
  }

  private static HeaderCheck bad(String problem, boolean foreign) {
    return new HeaderCheck(null, problem, foreign);
  }

  /**
   * The CRC32C of a record's length field followed by its payload; {@code at} is the record's first
   * byte (its marker).
   */
  public static int recordChecksum(byte[] buf, int at, int payloadLength) {
    CRC32C crc = new CRC32C();
    crc.update(buf, at + 4, 4);
    crc.update(buf, at + RECORD_HEADER, payloadLength);
    return (int) crc.getValue();
  }
}
