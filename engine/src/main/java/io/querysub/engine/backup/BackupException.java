package io.querysub.engine.backup;

import java.io.IOException;

/** A backup, restore or check cannot go on: what it reads is damaged, missing or inconsistent. */
public final class BackupException extends IOException {
  private static final long serialVersionUID = 1L;

  public BackupException(String message) {
    super(message);
  }
}
