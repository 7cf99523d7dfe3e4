package io.querysub.engine.archive;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** Finding the manifest an archive is read from (placeholder until the format branch lands). */
public final class Manifests {
  private Manifests() {}

  public static Optional<Manifest> latest(ArchiveStore archive) throws IOException {
    throw new UnsupportedOperationException("TODO");
  }

  /** The newest {@code n} manifests that decode, newest first. */
  public static List<Manifest> kept(ArchiveStore archive, int n) throws IOException {
    throw new UnsupportedOperationException("TODO");
  }
}
