package io.querysub.engine.wal;

/**
 * The log cannot go on or cannot be read: a write or sync failed, or a segment before the tail is
 * damaged. The message names the file and, where it applies, the offset.
 */
public final class WalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public WalException(String message, Throwable cause) {
    super(message, cause);
  }

  public WalException(String message) {
    super(message);
  }
}
