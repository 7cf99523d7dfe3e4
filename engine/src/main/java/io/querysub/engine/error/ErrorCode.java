package io.querysub.engine.error;

/**
 * Stable codes for every refusal. The codes are part of the public API (REST and protocol documents
 * list them); never rename one, only add.
 */
public enum ErrorCode {
  /** A path failed to parse or broke a limit (segments, length, reserved prefix). */
  PATH_INVALID,
  /** A version failed to parse. */
  VERSION_INVALID,
  /** A value is larger than the configured limit. */
  VALUE_TOO_LARGE,
  /** A whole request (body or frame) is larger than the configured limit. */
  REQUEST_TOO_LARGE,
  /** The operation does not accept this method (for HTTP: the method is not allowed there). */
  METHOD_NOT_ALLOWED,
  /** A value is not valid JSON. */
  VALUE_INVALID,
  /** A request body is malformed, has unknown fields, or breaks a count limit. */
  BAD_REQUEST,
  /** A count limit was exceeded (a subtree larger than a watch may hold, too many watches). */
  LIMIT_EXCEEDED,
  /** Writes asked for are no longer kept (older than the golden horizon and the retention). */
  HISTORY_INCOMPLETE,
  /** Nothing is stored at the path. */
  NOT_FOUND,
  /** A read lock of the transaction was broken by another write. */
  CONFLICT,
  /** The write's version is at or behind the golden horizon. */
  TOO_OLD,
  /** The caller may not do this. */
  PERMISSION_DENIED,
  /**
   * No acceptable identity: no token where one is required, or a token that is malformed, wrongly
   * signed, expired or signed out.
   */
  UNAUTHENTICATED,
  /** An operation ran past its time limit. */
  TIMEOUT,
  /** The node is not ready to serve (still loading). */
  UNAVAILABLE,
  /** An unexpected failure; the message says what. */
  INTERNAL,
  /** A server function's arguments did not bind or broke a constraint. */
  INVALID_ARGUMENT,
  /** No server function has this name. */
  UNKNOWN_FUNCTION,
  /** A server function threw; nothing it wrote was applied. */
  FUNCTION_ERROR
}
