package io.querysub.engine.archive;

/**
 * How archive objects are named (docs/archive-format.md), and which keys any {@link ArchiveStore}
 * accepts ({@link #check}).
 */
public final class ArchiveKeys {
  private ArchiveKeys() {}

  /** Prefix of every manifest; a listing of it finds the manifests. */
  public static final String MANIFESTS = "manifests/";

  /** {@code manifests/} + the sequence in 20 digits, so keys sort like numbers. */
  public static String manifest(long sequence) {
    return MANIFESTS + String.format("%020d", sequence);
  }

  /** The sequence of a manifest key, or -1 when the key is not a manifest's. */
  public static long manifestSequence(String key) {
    if (!key.startsWith(MANIFESTS) || key.length() != MANIFESTS.length() + 20) {
      return -1;
    }
    try {
      return Long.parseLong(key.substring(MANIFESTS.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** {@code segments/p0007/00000000000000000042.seg}. */
  public static String segment(int partition, long sequence) {
    return String.format("segments/p%04d/%020d.seg", partition, sequence);
  }

  /** {@code values/00000000000000000042-3.json}: the 3rd large value of segment 42. */
  public static String largeValue(long segmentSequence, int index) {
    return String.format("values/%020d-%d.json", segmentSequence, index);
  }

  /** The longest key a store accepts, in characters (S3 allows 1,024 bytes). */
  public static final int MAX_KEY_LENGTH = 1024;

  /**
   * Returns {@code key} when every store accepts it: 1 to {@value #MAX_KEY_LENGTH} ASCII letters,
   * digits, {@code - _ . /}, split by {@code /} into non-empty segments none of which is {@code .}
   * or {@code ..} (so no leading, trailing or doubled {@code /}).
   *
   * @throws IllegalArgumentException naming what is wrong with the key
   */
  public static String check(String key) {
    String why = problem(key);
    if (why != null) {
      throw new IllegalArgumentException("archive key " + quote(key) + ": " + why);
    }
    return key;
  }

  /** What is wrong with {@code key}, or null when it is a valid key. */
  public static String problem(String key) {
    if (key == null || key.isEmpty()) {
      return "a key must not be empty";
    }
    if (key.length() > MAX_KEY_LENGTH) {
      return "longer than " + MAX_KEY_LENGTH + " characters";
    }
    int start = 0;
    for (int i = 0; i <= key.length(); i++) {
      if (i == key.length() || key.charAt(i) == '/') {
        String seg = key.substring(start, i);
        if (seg.isEmpty()) {
          return "empty segment (a leading, trailing or doubled '/')";
        }
        if (seg.equals(".") || seg.equals("..")) {
          return "'.' and '..' are not key segments";
        }
        start = i + 1;
      } else if (!keyChar(key.charAt(i))) {
        return String.format("character U+%04X is not allowed", (int) key.charAt(i));
      }
    }
    return null;
  }

  private static boolean keyChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '_'
        || c == '.';
  }

  private static String quote(String key) {
    if (key == null) {
      return "null";
    }
    return "'" + (key.length() <= 80 ? key : key.substring(0, 80) + "...") + "'";
  }
}
