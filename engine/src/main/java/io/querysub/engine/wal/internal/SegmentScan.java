package io.querysub.engine.wal.internal;

import io.querysub.engine.version.Version;
import io.querysub.engine.wal.WalRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Reads the records of one segment file in order, stopping at the first damage: a record cut short,
 * a length that cannot be right, a checksum that does not match, or a payload that does not parse.
 * Everything before that point is handed on; nothing from it on is.
 */
public final class SegmentScan {
  /** Where the valid records end; {@code damage} says why reading stopped there (null: clean). */
  public record Result(
      long validEnd, long fileSize, long records, Version highest, String damage) {}

  private SegmentScan() {}

  public static Result scan(Path file, Consumer<WalRecord> out) throws IOException {
    byte[] buf = Files.readAllBytes(file);
    return scan(buf, Segments.number(file), out);
  }

  static Result scan(byte[] buf, long number, Consumer<WalRecord> out) {
    String bad = Segments.checkHeader(buf, buf.length, number);
    if (bad != null && bad.startsWith(Segments.UNKNOWN_FORMAT)) {
      // Written by another version of the software: never cut it, whatever its position.
      throw new io.querysub.engine.wal.WalException(
          "write-ahead log segment " + number + ": " + bad + "; refusing to start");
    }
    if (bad != null) {
      return new Result(0, buf.length, 0, Version.ZERO, bad);
    }
    ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.BIG_ENDIAN);
    int at = Segments.HEADER;
    long records = 0;
    Version highest = Version.ZERO;
    while (at < buf.length) {
      int left = buf.length - at;
      if (left < RecordCodec.HEADER) {
        return new Result(at, buf.length, records, highest, "a record header is cut short");
      }
      int length = b.getInt(at);
      if (length < RecordCodec.MIN_PAYLOAD || length > left - RecordCodec.HEADER) {
        return new Result(
            at,
            buf.length,
            records,
            highest,
            length < RecordCodec.MIN_PAYLOAD || length > buf.length
                ? "a record length of " + length + " cannot be right"
                : "the record is cut short ("
                    + (left - RecordCodec.HEADER)
                    + " of "
                    + length
                    + " bytes)");
      }
      if (b.getInt(at + 4) != RecordCodec.checksum(buf, at, length)) {
        return new Result(at, buf.length, records, highest, "the record's checksum does not match");
      }
      WalRecord r;
      try {
        r = RecordCodec.decode(buf, at + RecordCodec.HEADER, length);
      } catch (IllegalArgumentException e) {
        return new Result(
            at, buf.length, records, highest, "the record does not parse: " + e.getMessage());
      }
      out.accept(r);
      records++;
      if (r.version().compareTo(highest) > 0) {
        highest = r.version();
      }
      at += RecordCodec.HEADER + length;
    }
    return new Result(at, buf.length, records, highest, null);
  }
}
