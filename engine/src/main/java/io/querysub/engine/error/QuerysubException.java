package io.querysub.engine.error;

/**
 * A refusal with a stable {@link ErrorCode}. Thrown before anything is applied: an operation that
 * throws this has changed nothing.
 */
public class QuerysubException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final String path;

  public QuerysubException(ErrorCode code, String message) {
    this(code, message, null);
  }

  public QuerysubException(ErrorCode code, String message, String path) {
    super(message);
    this.code = code;
    this.path = path;
  }

  public ErrorCode code() {
    return code;
  }

  /** The path the refusal is about, in canonical text form, or null when none applies. */
  public String path() {
    return path;
  }
}
