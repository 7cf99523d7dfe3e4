package io.querysub.engine.path;

import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Arrays;

/**
 * A hierarchical path: 1 to {@value #MAX_SEGMENTS} non-empty segments, canonical text form {@code
 * /a/b/c}. Immutable and thread-safe.
 *
 * <p>In the text form a segment's {@code /} and {@code %} are percent-encoded ({@code %2F}, {@code
 * %25}); parsing decodes every {@code %XX} sequence as UTF-8, so {@code %2e%2e} is the segment
 * {@code ..} and is refused like it. Segments are normalized to Unicode NFC, so two spellings of
 * the same text name one path. {@code .}, {@code ..}, empty segments and control characters are
 * refused, never resolved. A path whose first segment starts with {@code .} is reserved for the
 * system (see {@link #isSystem()}). The root ({@link #ROOT}, text {@code /}) has no segments; it
 * can be listed but holds no value.
 */
public final class Path implements Comparable<Path> {
  public static final int MAX_SEGMENTS = 64;
  public static final int MAX_TEXT_BYTES = 1024;

  /** The root: no segments. Only a parent for listing; no value is ever stored at it. */
  public static final Path ROOT = new Path(new String[0]);

  private final String[] segments;
  private int hash;
  private String text;

  private Path(String[] segments) {
    this.segments = segments;
  }

  /** Parses a canonical or percent-encoded text form; the root {@code /} is refused. */
  public static Path parse(String text) {
    Path p = parseAllowingRoot(text);
    if (p.segments.length == 0) {
      throw invalid("the root holds no value; name a path below it", text);
    }
    return p;
  }

  /** Parses like {@link #parse} but also accepts {@code /} (and the empty string) as the root. */
  public static Path parseAllowingRoot(String text) {
    if (text == null) {
      throw invalid("path is missing", null);
    }
    if (text.isEmpty() || text.equals("/")) {
      return ROOT;
    }
    if (text.charAt(0) != '/') {
      throw invalid("path must start with '/'", text);
    }
    if (text.length() > MAX_TEXT_BYTES * 3) {
      throw invalid("path is longer than " + MAX_TEXT_BYTES + " bytes", shorten(text));
    }
    String[] raw = text.substring(1).split("/", -1);
    if (raw.length > MAX_SEGMENTS) {
      throw invalid("path has more than " + MAX_SEGMENTS + " segments", shorten(text));
    }
    String[] segs = new String[raw.length];
    for (int i = 0; i < raw.length; i++) {
      if (raw[i].isEmpty()) {
        throw invalid(
            i == raw.length - 1 ? "path must not end with '/'" : "path has an empty segment ('//')",
            text);
      }
      segs[i] = decode(raw[i], text);
    }
    return checked(segs, text);
  }

  /** Builds a path from raw (unencoded) segments, with the same checks as {@link #parse}. */
  public static Path of(String... segments) {
    if (segments.length == 0) {
      throw invalid("a path needs at least one segment", null);
    }
    return checked(segments.clone(), null);
  }

  private static Path checked(String[] segs, String original) {
    if (segs.length > MAX_SEGMENTS) {
      throw invalid("path has more than " + MAX_SEGMENTS + " segments", original);
    }
    for (int i = 0; i < segs.length; i++) {
      segs[i] = checkSegment(segs[i], original);
    }
    Path p = new Path(segs);
    if (p.toString().getBytes(StandardCharsets.UTF_8).length > MAX_TEXT_BYTES) {
      throw invalid("path is longer than " + MAX_TEXT_BYTES + " bytes", shorten(p.toString()));
    }
    return p;
  }

  private static String checkSegment(String seg, String original) {
    if (seg == null || seg.isEmpty()) {
      throw invalid("path has an empty segment", original);
    }
    for (int i = 0; i < seg.length(); i++) {
      char c = seg.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw invalid("path segment has a control character (U+" + hex4(c) + ")", original);
      }
      if (Character.isSurrogate(c)) {
        boolean paired =
            Character.isHighSurrogate(c)
                && i + 1 < seg.length()
                && Character.isLowSurrogate(seg.charAt(i + 1));
        if (!paired) {
          throw invalid("path segment is not valid Unicode (lone surrogate)", original);
        }
        i++;
      }
    }
    String nfc = Normalizer.isNormalized(seg, Normalizer.Form.NFC) ? seg : nfc(seg);
    if (nfc.equals(".") || nfc.equals("..")) {
      throw invalid("'.' and '..' are not path segments", original);
    }
    return nfc;
  }

  private static String nfc(String s) {
    return Normalizer.normalize(s, Normalizer.Form.NFC);
  }

  private static String decode(String raw, String original) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); ) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          throw invalid("'%' must be followed by two hex digits", original);
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw invalid("'%' must be followed by two hex digits", original);
        }
        bytes.write(hi * 16 + lo);
        i += 3;
      } else {
        int cp = raw.codePointAt(i);
        byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
        i += Character.charCount(cp);
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw invalid("percent-encoded bytes are not valid UTF-8", original);
    }
  }

  private static QuerysubException invalid(String why, String text) {
    return new QuerysubException(ErrorCode.PATH_INVALID, why, text);
  }

  private static String shorten(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }

  private static String hex4(char c) {
    return String.format("%04X", (int) c);
  }

  /** Encodes one raw segment for the text form: only {@code %} and {@code /} are escaped. */
  public static String encodeSegment(String segment) {
    if (segment.indexOf('%') < 0 && segment.indexOf('/') < 0) {
      return segment;
    }
    return segment.replace("%", "%25").replace("/", "%2F");
  }

  public int size() {
    return segments.length;
  }

  /**
   * A well-mixed hash of the first {@code depth} segments (all of them for a shorter path): the
   * same for every path of one shard. Commit locks and archive partitions take it modulo their
   * count, so a shard's paths always land together.
   */
  public int shardHash(int depth) {
    int n = Math.min(segments.length, depth);
    int h = n;
    for (int i = 0; i < n; i++) {
      h = 31 * h + segments[i].hashCode();
    }
    h ^= (h >>> 16);
    h *= 0x45d9f3b;
    h ^= (h >>> 16);
    return h;
  }

  /** The raw (decoded) segment at {@code index}. */
  public String segment(int index) {
    return segments[index];
  }

  public String last() {
    return segments[segments.length - 1];
  }

  public boolean isRoot() {
    return segments.length == 0;
  }

  /** True for paths reserved for the system: the first segment starts with {@code .}. */
  public boolean isSystem() {
    return segments.length > 0 && segments[0].charAt(0) == '.';
  }

  /** The parent path; the parent of a one-segment path is {@link #ROOT}. */
  public Path parent() {
    if (segments.length == 0) {
      throw new IllegalStateException("the root has no parent");
    }
    return prefix(segments.length - 1);
  }

  /** The first {@code n} segments (all of them when the path is shorter). */
  public Path prefix(int n) {
    if (n >= segments.length) {
      return this;
    }
    return n == 0 ? ROOT : new Path(Arrays.copyOf(segments, n));
  }

  /** This path with one more raw segment, checked like any other. */
  public Path child(String segment) {
    String[] segs = Arrays.copyOf(segments, segments.length + 1);
    segs[segments.length] = segment;
    return checked(segs, null);
  }

  /** True when {@code other} is this path or lies below it. */
  public boolean contains(Path other) {
    if (other.segments.length < segments.length) {
      return false;
    }
    for (int i = 0; i < segments.length; i++) {
      if (!segments[i].equals(other.segments[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Path p
        && (p == this || (p.hashCode() == hashCode() && Arrays.equals(segments, p.segments)));
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Arrays.hashCode(segments);
      hash = h == 0 ? 1 : h;
    }
    return h;
  }

  /** Orders segment by segment, a parent before its children. */
  @Override
  public int compareTo(Path o) {
    int n = Math.min(segments.length, o.segments.length);
    for (int i = 0; i < n; i++) {
      int c = segments[i].compareTo(o.segments[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(segments.length, o.segments.length);
  }

  /** The canonical text form. */
  @Override
  public String toString() {
    String t = text;
    if (t == null) {
      if (segments.length == 0) {
        t = "/";
      } else {
        StringBuilder sb = new StringBuilder();
        for (String s : segments) {
          sb.append('/').append(encodeSegment(s));
        }
        t = sb.toString();
      }
      text = t;
    }
    return t;
  }
}
