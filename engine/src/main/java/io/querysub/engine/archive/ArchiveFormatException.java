package io.querysub.engine.archive;

import java.io.IOException;

/** An archive object (a manifest) is damaged or of a format version this node cannot read. */
public final class ArchiveFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public ArchiveFormatException(String message) {
    super(message);
  }
}
