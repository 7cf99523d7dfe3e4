package io.querysub.websocket.protocol;

/**
 * The protocol's stable error codes and close codes. Error codes are the engine's ({@code
 * io.querysub.engine.error.ErrorCode}) plus {@link #NOT_SUPPORTED}; never rename one, only add.
 */
public final class WireCodes {
  private WireCodes() {}

  /** The one protocol version this server speaks. */
  public static final String PROTOCOL = "v1";

  public static final String BAD_REQUEST = "BAD_REQUEST";
  public static final String PATH_INVALID = "PATH_INVALID";
  public static final String VERSION_INVALID = "VERSION_INVALID";
  public static final String LIMIT_EXCEEDED = "LIMIT_EXCEEDED";
  public static final String NOT_FOUND = "NOT_FOUND";
  public static final String INTERNAL = "INTERNAL";

  /** The node cannot do it now; for a commit's durability: the write-ahead log failed. */
  public static final String UNAVAILABLE = "UNAVAILABLE";

  /** A well-formed request for something this server does not do (yet): history mode, v2. */
  public static final String NOT_SUPPORTED = "NOT_SUPPORTED";

  /** Close: a frame over the size limit (the standard "message too big"). */
  public static final int CLOSE_TOO_BIG = 1009;

  /** Close: the node is stopping ("going away"); reconnect, elsewhere or later. */
  public static final int CLOSE_GOING_AWAY = 1001;

  /**
   * Close: the client read too slowly and its outbound queue passed the bound even after
   * coalescing. Every watch is gone; reconnect and watch again with {@code since} set to the last
   * version seen.
   */
  public static final int CLOSE_OVERFLOW = 4001;

  /** The caller may not do this (rules file); the connection stays usable. */
  public static final String PERMISSION_DENIED = "PERMISSION_DENIED";

  /** No acceptable token: missing, malformed, wrongly signed, expired or signed out. */
  public static final String UNAUTHENTICATED = "UNAUTHENTICATED";

  /**
   * Close: the connection's token expired (or was signed out) and no fresh one came in time;
   * reconnect with a new token.
   */
  public static final int CLOSE_UNAUTHENTICATED = 4003;

  /** Close: the client sent nothing for the idle timeout (it vanished, or forgot to ping). */
  public static final int CLOSE_IDLE = 4002;
}
