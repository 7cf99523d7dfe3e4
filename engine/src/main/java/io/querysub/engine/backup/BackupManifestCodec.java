package io.querysub.engine.backup;

import io.querysub.engine.archive.ArchiveFormatException;
import io.querysub.engine.archive.ArchiveKeys;
import io.querysub.engine.archive.SegmentRef;
import io.querysub.engine.version.Version;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The text form of a {@link BackupManifest} (docs/backups.md): a first line {@code querysub-backup
 * 1}, then one {@code name=value} line per field, a {@code p=} line per partition digest, an {@code
 * s=} line per segment and an {@code l=} line per large value, and a last line {@code sha256=} with
 * the SHA-256 of every byte before it. Text, so an operator can read what a backup holds;
 * checksummed, so a damaged one is refused, never half-read.
 */
public final class BackupManifestCodec {
  public static final int FORMAT = 1;
  private static final String FIRST = "querysub-backup " + FORMAT;

  private BackupManifestCodec() {}

  public static byte[] encode(BackupManifest m) {
    StringBuilder b = new StringBuilder(256 + 160 * m.segments().size());
    b.append(FIRST).append('\n');
    line(b, "id", m.id());
    line(b, "kind", m.kind().name().toLowerCase(Locale.ROOT));
    line(b, "chain", m.chain());
    line(b, "base", m.base());
    line(b, "version", m.version());
    line(b, "createdAt", m.createdAtMillis());
    line(b, "archiveManifest", m.archiveManifest());
    line(b, "partitions", m.partitions());
    line(b, "paths", m.paths());
    line(b, "bytes", m.bytes());
    line(b, "copiedObjects", m.copiedObjects());
    line(b, "copiedBytes", m.copiedBytes());
    line(b, "digest", m.digest());
    for (int i = 0; i < m.partitionDigests().size(); i++) {
      line(b, "p", m.partitionDigests().get(i) + " " + m.partitionPaths().get(i));
    }
    for (BackupManifest.Segment s : m.segments()) {
      SegmentRef r = s.ref();
      line(
          b,
          "s",
          String.join(
              " ",
              ArchiveKeys.check(s.backupKey()),
              ArchiveKeys.check(r.key()),
              Integer.toString(r.partition()),
              Long.toString(r.sequence()),
              Long.toString(r.records()),
              Long.toString(r.bytes()),
              r.minVersion().toString(),
              r.maxVersion().toString()));
    }
    for (BackupManifest.Large l : m.large()) {
      line(
          b,
          "l",
          ArchiveKeys.check(l.backupKey())
              + " "
              + ArchiveKeys.check(l.archiveKey())
              + " "
              + l.size());
    }
    byte[] body = b.toString().getBytes(StandardCharsets.UTF_8);
    String sum = "sha256=" + sha(body, body.length) + "\n";
    byte[] out = new byte[body.length + sum.length()];
    System.arraycopy(body, 0, out, 0, body.length);
    System.arraycopy(sum.getBytes(StandardCharsets.US_ASCII), 0, out, body.length, sum.length());
    return out;
  }

  /**
   * @throws ArchiveFormatException naming what is wrong: not a backup manifest, another format
   *     version, a checksum that does not match (damaged, cut or extended), a field missing or
   *     malformed
   */
  public static BackupManifest decode(byte[] bytes) throws ArchiveFormatException {
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (!text.startsWith("querysub-backup ")) {
      throw new ArchiveFormatException("not a backup manifest");
    }
    if (!text.startsWith(FIRST + "\n")) {
      throw new ArchiveFormatException(
          "backup manifest of an unknown format ("
              + text.substring(0, Math.min(text.indexOf('\n') + 1, 40)).strip()
              + "; this software reads "
              + FORMAT
              + ")");
    }
    int last = text.lastIndexOf("sha256=");
    if (last < 0 || !text.endsWith("\n")) {
      throw new ArchiveFormatException("backup manifest without its checksum (cut short?)");
    }
    byte[] body = text.substring(0, last).getBytes(StandardCharsets.UTF_8);
    if (!text.substring(last + 7, text.length() - 1).equals(sha(body, body.length))) {
      throw new ArchiveFormatException(
          "backup manifest checksum does not match (damaged, cut short or extended)");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    List<String> digests = new ArrayList<>();
    List<Long> paths = new ArrayList<>();
    List<BackupManifest.Segment> segments = new ArrayList<>();
    List<BackupManifest.Large> large = new ArrayList<>();
    String[] lines = text.substring(0, last).split("\n");
    try {
      for (int i = 1; i < lines.length; i++) {
        String line = lines[i];
        int eq = line.indexOf('=');
        if (eq <= 0) {
          throw new ArchiveFormatException(
              "backup manifest line " + (i + 1) + " is not name=value");
        }
        String name = line.substring(0, eq);
        String value = line.substring(eq + 1);
        switch (name) {
          case "p" -> {
            String[] f = value.split(" ");
            if (f.length != 2) {
              throw new ArchiveFormatException("backup manifest line " + (i + 1) + ": 2 fields");
            }
            digests.add(f[0]);
            paths.add(Long.parseLong(f[1]));
          }
          case "s" -> {
            String[] f = value.split(" ");
            if (f.length != 8) {
              throw new ArchiveFormatException("backup manifest line " + (i + 1) + ": 8 fields");
            }
            segments.add(
                new BackupManifest.Segment(
                    ArchiveKeys.check(f[0]),
                    new SegmentRef(
                        ArchiveKeys.check(f[1]),
                        Integer.parseInt(f[2]),
                        Long.parseLong(f[3]),
                        Long.parseLong(f[4]),
                        Long.parseLong(f[5]),
                        Version.parse(f[6]),
                        Version.parse(f[7]))));
          }
          case "l" -> {
            String[] f = value.split(" ");
            if (f.length != 3) {
              throw new ArchiveFormatException("backup manifest line " + (i + 1) + ": 3 fields");
            }
            large.add(
                new BackupManifest.Large(
                    ArchiveKeys.check(f[0]), ArchiveKeys.check(f[1]), Long.parseLong(f[2])));
          }
          default -> fields.put(name, value);
        }
      }
      return new BackupManifest(
          number(fields, "id"),
          BackupManifest.Kind.valueOf(field(fields, "kind").toUpperCase(Locale.ROOT)),
          number(fields, "chain"),
          number(fields, "base"),
          Version.parse(field(fields, "version")),
          number(fields, "createdAt"),
          number(fields, "archiveManifest"),
          (int) number(fields, "partitions"),
          number(fields, "paths"),
          number(fields, "bytes"),
          number(fields, "copiedObjects"),
          number(fields, "copiedBytes"),
          field(fields, "digest"),
          digests,
          paths,
          segments,
          large);
    } catch (RuntimeException e) {
      throw new ArchiveFormatException("backup manifest: " + e.getMessage());
    }
  }

  private static String field(Map<String, String> fields, String name)
      throws ArchiveFormatException {
    String v = fields.get(name);
    if (v == null) {
      throw new ArchiveFormatException("backup manifest without " + name);
    }
    return v;
  }

  private static long number(Map<String, String> fields, String name)
      throws ArchiveFormatException {
    try {
      return Long.parseLong(field(fields, name));
    } catch (NumberFormatException e) {
      throw new ArchiveFormatException("backup manifest: " + name + " is not a number");
    }
  }

  private static void line(StringBuilder b, String name, Object value) {
    b.append(name).append('=').append(value).append('\n');
  }

  private static String sha(byte[] bytes, int length) {
    var md = StateDigest.sha256();
    md.update(bytes, 0, length);
    return HexFormat.of().formatHex(md.digest());
  }
}
