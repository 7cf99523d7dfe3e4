package io.querysub.engine.archive;

import java.io.IOException;

/** An {@link ArchiveStore} holds no object under the key asked for. */
public final class ArchiveObjectNotFoundException extends IOException {
  private static final long serialVersionUID = 1L;

  public ArchiveObjectNotFoundException(String key) {
    super("no archive object " + key);
  }
}
