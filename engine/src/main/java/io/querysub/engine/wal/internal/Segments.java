package io.querysub.engine.wal.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Segment files: named {@code wal-NNNNNNNNNNNNNNNNNNNN.log} (the segment's number, 20 decimal
 * digits, so names sort like numbers), each starting with a 24-byte header: the magic {@code
 * QSUB-WAL}, {@code u32} format version, {@code u64} segment number, {@code u32} CRC32C of the
 * previous 20 bytes.
 */
public final class Segments {
  public static final int HEADER = 24;
  public static final int FORMAT = 1;
  private static final byte[] MAGIC = "QSUB-WAL".getBytes(StandardCharsets.US_ASCII);

  /** How {@link #checkHeader} starts its answer for a well-formed header of another format. */
  public static final String UNKNOWN_FORMAT = "unknown format version";

  private static final Pattern NAME = Pattern.compile("wal-(\\d{20})\\.log");

  private Segments() {}

  public static String name(long number) {
    return String.format("wal-%020d.log", number);
  }

  /** The segment files in {@code dir}, by number. */
  public static List<Path> list(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> NAME.matcher(p.getFileName().toString()).matches()).sorted().forEach(out::add);
    }
    return out;
  }

  public static long number(Path file) {
    Matcher m = NAME.matcher(file.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a segment file: " + file);
    }
    return Long.parseLong(m.group(1));
  }

  public static byte[] header(long number) {
    ByteBuffer b = ByteBuffer.allocate(HEADER).order(ByteOrder.BIG_ENDIAN);
    b.put(MAGIC).putInt(FORMAT).putLong(number);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, HEADER - 4);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /** What is wrong with a header, or null when it is the header of segment {@code number}. */
  public static String checkHeader(byte[] buf, int length, long number) {
    if (length < HEADER) {
      return "the header is cut short (" + length + " of " + HEADER + " bytes)";
    }
    ByteBuffer b = ByteBuffer.wrap(buf, 0, HEADER).order(ByteOrder.BIG_ENDIAN);
    CRC32C crc = new CRC32C();
    crc.update(buf, 0, HEADER - 4);
    if (b.getInt(HEADER - 4) != (int) crc.getValue()) {
      return "the header's checksum does not match";
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (buf[i] != MAGIC[i]) {
        return "not a log segment (wrong magic)";
      }
    }
    int format = b.getInt(8);
    if (format != FORMAT) {
      return UNKNOWN_FORMAT + " " + format + " (this software reads " + FORMAT + ")";
    }
    if (b.getLong(12) != number) {
      return "the header names segment " + b.getLong(12) + ", the file name " + number;
    }
    return null;
  }

  /** Makes a directory entry change (a created or deleted file) durable. */
  public static void syncDirectory(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems cannot open a directory for reading; Linux and macOS can.
      if (!System.getProperty("os.name", "").toLowerCase().contains("win")) {
        throw e;
      }
    }
  }
}
