package io.querysub.websocket.protocol;

import io.querysub.core.data.LockText;
import jakarta.json.JsonValue;
import java.util.List;

/**
 * A client's request, as read off the wire. Paths and versions stay text here: mapping them to the
 * engine's types (and refusing them with {@code PATH_INVALID} or {@code VERSION_INVALID}) is the
 * session's job. {@code id} is the request id as canonical JSON text (a string or an integer,
 * echoed back verbatim in replies), or null where the message has none.
 */
public sealed interface Request {
  String id();

  /**
   * Opens the conversation; must come first. {@code batching}: the client accepts array frames
   * (several messages in one frame). {@code token}: the caller's signed token (null: anonymous,
   * where the node allows it).
   */
  record Hello(String protocol, String clientId, boolean batching, String token)
      implements Request {
    public Hello(String protocol, String clientId) {
      this(protocol, clientId, false, null);
    }

    public Hello(String protocol, String clientId, boolean batching) {
      this(protocol, clientId, batching, null);
    }

    @Override
    public String id() {
      return null;
    }
  }

  /** Starts a watch named {@code id}; {@code since} is a version text or null. */
  record Watch(String id, WatchKind kind, String path, WatchMode mode, String since)
      implements Request {}

  /** Stops the watch named {@code id}. */
  record Unwatch(String id) implements Request {}

  /** The current value of one path. */
  record Read(String id, String path) implements Request {}

  /**
   * A transaction: locks and writes, with the same rules as REST {@code POST /tx}. {@code durable}:
   * answer only once the commit is durable in the write-ahead log (else the answer comes when it is
   * applied, and a {@code durable} notice follows).
   */
  record Commit(
      String id, List<Lock> reads, List<Lock> childReads, List<WriteOp> writes, boolean durable)
      implements Request {}

  /**
   * A lock: the version of {@code path} (or of its key set) the transaction saw. Exactly one of
   * {@code version} and {@code commit} is set: {@code commit} names an earlier commit of the same
   * connection (its request id as canonical JSON text) whose version the lock reads, for a commit
   * that builds on one whose answer has not arrived yet.
   */
  record Lock(String path, String version, String commit) implements LockText {
    public Lock(String path, String version) {
      this(path, version, null);
    }

    /** Whether the lock names an earlier commit rather than a version. */
    public boolean dependent() {
      return commit != null;
    }

    /** The same lock reading {@code resolved} instead of the earlier commit. */
    public Lock at(String resolved) {
      return new Lock(path, resolved, null);
    }
  }

  /** A write: {@code value} is the JSON to store, or null with {@code delete} set. */
  record WriteOp(String path, JsonValue value, boolean delete) {}

  /**
   * Calls a server function; {@code args} is null when left out. {@code durable}: answer only once
   * the call's commit is durable, as for a commit.
   */
  record Call(String id, String function, String callId, JsonValue args, boolean durable)
      implements Request {}

  /** Asks for a {@code pong}; {@code id} is optional. */
  record Ping(String id) implements Request {}

  /** A fresh token for the same caller, before the connection's token expires. */
  record Auth(String id, String token) implements Request {}
}
