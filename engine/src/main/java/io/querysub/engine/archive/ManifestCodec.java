package io.querysub.engine.archive;

import io.querysub.engine.archive.internal.Fields;
import io.querysub.engine.version.Version;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The byte layout of manifests (docs/archive-format.md), checksummed as a whole: the magic {@code
 * QSUB-MAN}, {@code u32} format version, the manifest's fields, and a CRC32C of everything before
 * it. Every format version will start with the magic and the version and end with that checksum.
 * Stateless and thread-safe.
 */
public final class ManifestCodec {
  public static final int FORMAT = 1;

  private static final byte[] MAGIC = "QSUB-MAN".getBytes(StandardCharsets.US_ASCII);

  /** Magic, format, sequence, partitions, archivedUpTo, two counts, checksum. */
  private static final int MIN_SIZE = 8 + 4 + 8 + 4 + 12 + 4 + 4 + 4;

  /** The smallest segment entry: a one-byte key and the fixed fields. */
  private static final int MIN_SEGMENT = 2 + 1 + 4 + 8 + 8 + 8 + 12 + 12;

  private ManifestCodec() {}

  /**
   * @throws IllegalArgumentException when the manifest holds something {@link #decode} would
   *     refuse: a negative sequence, count or size, fewer than one partition, a segment whose
   *     lowest version is above its highest, or a key that is not {@link ArchiveKeys#check valid}
   */
  public static byte[] encode(Manifest m) {
    Objects.requireNonNull(m.archivedUpTo(), "archivedUpTo");
    if (m.sequence() < 0) {
      throw new IllegalArgumentException("a manifest's sequence must not be negative");
    }
    if (m.partitions() < 1) {
      throw new IllegalArgumentException("a manifest needs at least one partition");
    }
    List<byte[]> segmentKeys = new ArrayList<>();
    long size = MIN_SIZE;
    for (SegmentRef s : m.segments()) {
      check(s);
      byte[] key = Fields.shortText(ArchiveKeys.check(s.key()), "a segment key");
      segmentKeys.add(key);
      size += MIN_SEGMENT - 1 + key.length;
    }
    List<byte[]> largeKeys = new ArrayList<>();
    for (String k : m.largeValues()) {
      byte[] key = Fields.shortText(ArchiveKeys.check(k), "a large value key");
      largeKeys.add(key);
      size += 2 + key.length;
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a manifest of " + size + " bytes is too large");
    }
    ByteBuffer b = ByteBuffer.allocate((int) size);
    b.put(MAGIC).putInt(FORMAT).putLong(m.sequence()).putInt(m.partitions());
    putVersion(b, m.archivedUpTo());
    b.putInt(m.segments().size());
    for (int i = 0; i < m.segments().size(); i++) {
      SegmentRef s = m.segments().get(i);
      Fields.putShortText(b, segmentKeys.get(i));
      b.putInt(s.partition()).putLong(s.sequence()).putLong(s.records()).putLong(s.bytes());
      putVersion(b, s.minVersion());
      putVersion(b, s.maxVersion());
    }
    b.putInt(largeKeys.size());
    for (byte[] k : largeKeys) {
      Fields.putShortText(b, k);
    }
    b.putInt(Fields.crc32c(b.array(), 0, b.position()));
    return b.array();
  }

  private static void check(SegmentRef s) {
    Objects.requireNonNull(s.minVersion(), "minVersion");
    Objects.requireNonNull(s.maxVersion(), "maxVersion");
    if (s.partition() < 0 || s.sequence() < 0 || s.records() < 0 || s.bytes() < 0) {
      throw new IllegalArgumentException("segment " + s.key() + ": a negative number");
    }
    if (s.minVersion().isAfter(s.maxVersion())) {
      throw new IllegalArgumentException(
          "segment " + s.key() + ": lowest version above the highest");
    }
  }

  private static void putVersion(ByteBuffer b, Version v) {
    b.putLong(v.stamp()).putInt(v.node());
  }

  /**
   * Decodes a whole manifest, checking everything.
   *
   * @throws ArchiveFormatException naming what is wrong: cut short, extended, damaged (the
   *     checksum), not a manifest (the magic), an unknown format version (named), or a field that
   *     holds what {@link #encode} never writes
   */
  public static Manifest decode(byte[] bytes) throws ArchiveFormatException {
    if (bytes.length < MIN_SIZE) {
      throw bad("cut short (" + bytes.length + " bytes, at least " + MIN_SIZE + " expected)");
    }
    if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw bad("not a manifest (wrong magic)");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, 0, bytes.length - 4);
    // The version before the checksum: a later format may checksum differently.
    int format = b.getInt(8);
    if (format != FORMAT) {
      throw bad(
          "unknown format version "
              + Integer.toUnsignedString(format)
              + " (this software reads "
              + FORMAT
              + ")");
    }
    int end = bytes.length - 4;
    if (ByteBuffer.wrap(bytes).getInt(end) != Fields.crc32c(bytes, 0, end)) {
      throw bad("the checksum does not match (damaged, cut short or extended)");
    }
    b.position(12);
    try {
      Manifest m = fields(b);
      if (b.hasRemaining()) {
        throw bad(b.remaining() + " bytes after the last field");
      }
      return m;
    } catch (BufferUnderflowException e) {
      throw bad("ends inside a field");
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    }
  }

  private static Manifest fields(ByteBuffer b) {
    long sequence = nonNegative(b.getLong(), "sequence");
    int partitions = b.getInt();
    if (partitions < 1) {
      throw new IllegalArgumentException("a partition count of " + partitions + " cannot be right");
    }
    Version upTo = version(b);
    int n = count(b, MIN_SEGMENT, "segment");
    List<SegmentRef> segments = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String key = key(b);
      int partition = (int) nonNegative(b.getInt(), "segment partition");
      long seq = nonNegative(b.getLong(), "segment sequence");
      long records = nonNegative(b.getLong(), "segment record count");
      long size = nonNegative(b.getLong(), "segment size");
      SegmentRef s = new SegmentRef(key, partition, seq, records, size, version(b), version(b));
      check(s);
      segments.add(s);
    }
    int l = count(b, 3, "large value");
    List<String> large = new ArrayList<>(l);
    for (int i = 0; i < l; i++) {
      large.add(key(b));
    }
    return new Manifest(sequence, partitions, upTo, segments, large);
  }

  private static int count(ByteBuffer b, int minEntry, String what) {
    int n = b.getInt();
    if (n < 0 || n > b.remaining() / minEntry) {
      throw new IllegalArgumentException(
          "a " + what + " count of " + Integer.toUnsignedString(n) + " cannot be right");
    }
    return n;
  }

  private static String key(ByteBuffer b) {
    String key = Fields.getShortText(b);
    String bad = ArchiveKeys.problem(key);
    if (bad != null) {
      throw new IllegalArgumentException("a bad key: " + bad);
    }
    return key;
  }

  private static Version version(ByteBuffer b) {
    long stamp = nonNegative(b.getLong(), "version stamp");
    return new Version(stamp, (int) nonNegative(b.getInt(), "version node"));
  }

  private static long nonNegative(long v, String what) {
    if (v < 0) {
      throw new IllegalArgumentException("a negative " + what);
    }
    return v;
  }

  private static ArchiveFormatException bad(String why) {
    return new ArchiveFormatException("manifest: " + why);
  }
}
