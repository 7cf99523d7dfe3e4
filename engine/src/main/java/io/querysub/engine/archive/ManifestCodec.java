package io.querysub.engine.archive;

/** The byte layout of manifests (docs/archive-format.md), checksummed as a whole. */
public final class ManifestCodec {
  private ManifestCodec() {}

  public static byte[] encode(Manifest manifest) {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * @throws ArchiveFormatException when the bytes are damaged or of an unknown format version
   */
  public static Manifest decode(byte[] bytes) throws ArchiveFormatException {
    throw new UnsupportedOperationException("TODO");
  }
}
