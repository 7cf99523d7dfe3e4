package io.querysub.websocket.protocol;

/**
 * A refused request: becomes an {@code error} frame with {@code code}, the request's {@code id}
 * when it could be read, and the {@code path} concerned when one applies. The connection stays
 * open.
 */
public final class ProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String code;
  private final String id;
  private final String path;

  public ProtocolException(String code, String message, String id, String path) {
    super(message, null, false, false); // a refusal, not a failure: no stack trace
    this.code = code;
    this.id = id;
    this.path = path;
  }

  public String code() {
    return code;
  }

  /** The request id as JSON text, or null. */
  public String id() {
    return id;
  }

  public String path() {
    return path;
  }
}
