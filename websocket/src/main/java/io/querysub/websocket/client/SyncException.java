package io.querysub.websocket.client;

/** A request failed: the server refused it ({@link #error()} says why) or the connection ended. */
public class SyncException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient ServerError error;

  public SyncException(ServerError error) {
    super(error.code() + ": " + error.message());
    this.error = error;
  }

  public SyncException(String message, Throwable cause) {
    super(message, cause);
    this.error = null;
  }

  /** The server's refusal, or null when the connection failed. */
  public ServerError error() {
    return error;
  }

  /** The refusal's code, or null. */
  public String code() {
    return error == null ? null : error.code();
  }
}
