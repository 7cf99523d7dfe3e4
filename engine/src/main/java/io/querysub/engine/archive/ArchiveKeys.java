package io.querysub.engine.archive;

/** How archive objects are named (docs/archive-format.md). */
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
}
