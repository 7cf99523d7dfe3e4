package io.querysub.engine.fail;

/** Thrown by a failpoint armed with {@link FailPoints#fail()}. */
public final class FailPointException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FailPointException(String point) {
    super("failpoint " + point);
  }
}
