package io.querysub.websocket.protocol;

import io.querysub.core.auth.Caller;
import io.querysub.core.fn.CallOutcome;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.ChildrenPage;
import io.querysub.engine.store.CommitResult;
import io.querysub.engine.store.Conflict;
import io.querysub.engine.store.History;
import io.querysub.engine.store.ReadResult;
import io.querysub.engine.store.Subtree;
import io.querysub.engine.store.Value;
import io.querysub.engine.version.Version;
import io.querysub.engine.watch.Change;
import io.querysub.engine.watch.ChangeBatch;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes server frames. Stored values are copied into the frame as their JSON text, never parsed or
 * re-serialized, so a client receives exactly the text that was written; only the fields around
 * them are generated here. An absent value (never written, or deleted) is a missing {@code value}
 * field, never JSON {@code null}. Ids are already canonical JSON text. Stateless.
 */
public final class FrameWriter {
  private final StringBuilder out;

  private FrameWriter(int sizeHint) {
    out = new StringBuilder(sizeHint);
  }

  /**
   * {@code welcome}: the protocol, the client's id echoed, {@code "batching":true} when the client
   * asked for array frames, this session and its limits.
   */
  public static String welcome(
      String clientId, Caller caller, boolean batching, String session, Limits limits) {
    FrameWriter w = new FrameWriter(256);
    w.raw("{\"type\":\"welcome\",\"protocol\":").string(WireCodes.PROTOCOL);
    if (clientId != null) {
      w.raw(",\"clientId\":").string(clientId);
    }
    w.raw(",\"caller\":").caller(caller);
    if (batching) {
      w.raw(",\"batching\":true");
    }
    w.raw(",\"session\":").string(session);
    w.raw(",\"limits\":{\"maxMessageSize\":").number(limits.maxMessageSize());
    w.raw(",\"maxWatches\":").number(limits.maxWatches());
    w.raw(",\"maxQueue\":").number(limits.maxQueue());
    w.raw(",\"maxRequestsPerSecond\":").number(limits.maxRequestsPerSecond());
    w.raw(",\"maxWatchKeys\":").number(limits.maxWatchKeys());
    w.raw(",\"maxSubtreePaths\":").number(limits.maxSubtreePaths());
    w.raw(",\"idleTimeoutSeconds\":").number(limits.idleTimeoutSeconds());
    w.raw(",\"maxBatch\":").number(limits.maxBatch());
    return w.raw("}}").toString();
  }

  /** The limits a session announces in its {@code welcome}. */
  public record Limits(
      int maxMessageSize,
      int maxWatches,
      int maxQueue,
      int maxRequestsPerSecond,
      int maxWatchKeys,
      int maxSubtreePaths,
      int idleTimeoutSeconds,
      int maxBatch) {}

  /**
   * {@code snapshot} of one path (a path watch, or the answer to a {@code read}). With {@code
   * include} false (a resumed watch whose value is not newer than {@code since}) the entry list is
   * empty and {@code full} is false: the client keeps what it has.
   */
  public static String pathSnapshot(String id, ReadResult r, boolean include) {
    FrameWriter w = new FrameWriter(r.value().size() + 160);
    w.snapshotHead(id, WatchKind.PATH, r.path(), r.version(), include);
    if (include) {
      w.entry(r.path(), r.value(), r.version());
    }
    return w.raw("]}").toString();
  }

  /**
   * {@code snapshot} of a path watch in {@code history} mode: every valid write above the watch's
   * {@code since} up to the snapshot's version, oldest first (a delete is an entry without {@code
   * value}); later writes follow as {@code changes}.
   */
  public static String historySnapshot(
      String id, Path path, Version version, List<History.Entry> entries) {
    int hint = 160;
    for (History.Entry e : entries) {
      hint += e.value().size() + 96;
    }
    FrameWriter w = new FrameWriter(hint);
    w.snapshotHead(id, WatchKind.PATH, path, version, false);
    boolean first = true;
    for (History.Entry e : entries) {
      if (!first) {
        w.raw(",");
      }
      first = false;
      w.entry(path, e.value(), e.version());
    }
    return w.raw("]}").toString();
  }

  /**
   * {@code snapshot} of a children watch: one entry per child key, in key order; a key that holds
   * no value itself (it exists because of paths below it) has no {@code value}.
   */
  public static String childrenSnapshot(String id, ChildrenPage page) {
    int hint = 160;
    for (ChildrenPage.Child c : page.children()) {
      hint += c.value().size() + c.key().length() + 64;
    }
    FrameWriter w = new FrameWriter(hint);
    w.snapshotHead(id, WatchKind.CHILDREN, page.parent(), page.readVersion(), true);
    boolean first = true;
    for (ChildrenPage.Child c : page.children()) {
      if (!first) {
        w.raw(",");
      }
      first = false;
      w.entry(page.parent().child(c.key()), c.value(), c.version());
    }
    return w.raw("]}").toString();
  }

  /** {@code snapshot} of a subtree watch: every present value at or below the path. */
  public static String subtreeSnapshot(String id, Subtree s) {
    int hint = 160;
    for (Subtree.Entry e : s.entries()) {
      hint += e.value().size() + 96;
    }
    FrameWriter w = new FrameWriter(hint);
    w.snapshotHead(id, WatchKind.SUBTREE, s.root(), s.readVersion(), true);
    boolean first = true;
    for (Subtree.Entry e : s.entries()) {
      if (!first) {
        w.raw(",");
      }
      first = false;
      w.entry(e.path(), e.value(), e.version());
    }
    return w.raw("]}").toString();
  }

  /**
   * {@code changes} for one watch: its batches in version order, each the changes of one commit
   * inside the watch's scope. {@code coalesced} marks batches merged for a lagging client (only the
   * newest value of each path, at the newest batch's version).
   */
  public static String changes(String watchId, List<ChangeBatch> batches, boolean coalesced) {
    int hint = 64;
    for (ChangeBatch b : batches) {
      hint += b.encoded(FrameWriter::batch).length();
    }
    FrameWriter w = new FrameWriter(hint);
    w.raw("{\"type\":\"changes\",\"id\":").raw(watchId);
    if (coalesced) {
      w.raw(",\"coalesced\":true");
    }
    w.raw(",\"batches\":[");
    boolean first = true;
    for (ChangeBatch b : batches) {
      if (!first) {
        w.raw(",");
      }
      first = false;
      w.raw(b.encoded(FrameWriter::batch));
    }
    return w.raw("]}").toString();
  }

  /**
   * One batch of a {@code changes} message, {@code {"version":..,"changes":[..]}}: the same for
   * every watch that hears it, so it is made once per batch ({@link ChangeBatch#encoded}).
   */
  private static String batch(ChangeBatch b) {
    int hint = 64;
    for (Change c : b.changes()) {
      hint += c.value().size() + 96;
    }
    FrameWriter w = new FrameWriter(hint);
    w.raw("{\"version\":").string(b.version().toString());
    w.raw(",\"changes\":[");
    boolean first = true;
    for (Change c : b.changes()) {
      if (!first) {
        w.raw(",");
      }
      first = false;
      w.change(c);
    }
    return w.raw("]}").toString();
  }

  /** {@code result} of a commit: valid with its version, or rejected with the broken lock. */
  public static String result(String id, CommitResult r) {
    FrameWriter w = new FrameWriter(200);
    w.raw("{\"type\":\"result\",\"id\":").raw(id);
    if (r.isValid()) {
      w.raw(",\"status\":\"valid\",\"version\":").string(r.version().toString());
    } else {
      Conflict c = r.conflict();
      w.raw(",\"status\":\"rejected\",\"conflict\":{\"path\":").string(c.path().toString());
      w.raw(",\"version\":").string(c.version().toString());
      w.raw(",\"children\":").raw(c.children() ? "true" : "false");
      w.raw(",\"reason\":").string(c.reason() == null ? "" : c.reason()).raw("}");
    }
    return w.raw("}").toString();
  }

  /**
   * {@code result} of a commit rejected because a lock named an earlier commit ({@code commit}, its
   * id as JSON text) that was itself rejected or refused: nothing was stored.
   */
  public static String dependencyRejected(
      String id, String path, boolean children, String commit, String reason) {
    FrameWriter w = new FrameWriter(200);
    w.raw("{\"type\":\"result\",\"id\":").raw(id);
    w.raw(",\"status\":\"rejected\",\"conflict\":{\"path\":").string(path);
    w.raw(",\"commit\":").raw(commit);
    w.raw(",\"children\":").raw(children ? "true" : "false");
    w.raw(",\"reason\":").string(reason).raw("}");
    return w.raw("}").toString();
  }

  /**
   * {@code durable}: the commit (or call) answered to request {@code id} at {@code version} is in
   * the write-ahead log on disk.
   */
  public static String durable(String id, Version version) {
    FrameWriter w = new FrameWriter(80);
    w.raw("{\"type\":\"durable\",\"id\":").raw(id);
    return w.raw(",\"version\":").string(version.toString()).raw("}").toString();
  }

  /**
   * {@code notDurable}: the commit (or call) answered to request {@code id} at {@code version} was
   * applied, but the write-ahead log failed before it was durable; {@code code} says why ({@code
   * UNAVAILABLE}).
   */
  public static String notDurable(String id, Version version, String code, String message) {
    FrameWriter w = new FrameWriter(200);
    w.raw("{\"type\":\"notDurable\",\"id\":").raw(id);
    w.raw(",\"version\":").string(version.toString());
    w.raw(",\"code\":").string(code);
    return w.raw(",\"message\":").string(message == null ? code : message).raw("}").toString();
  }

  /**
   * {@code callResult}: a server function call's outcome, {@code ok} with the result spliced in as
   * stored and the version of its writes, or {@code failed} with the error (and, for {@code
   * INVALID_ARGUMENT}, each bad field).
   */
  public static String callResult(String id, CallOutcome o) {
    FrameWriter w = new FrameWriter(200);
    w.raw("{\"type\":\"callResult\",\"id\":").raw(id);
    w.raw(",\"callId\":").string(o.callId());
    w.raw(",\"function\":").string(o.function());
    w.raw(",\"status\":").string(o.status().name().toLowerCase(java.util.Locale.ROOT));
    w.raw(",\"attempts\":").raw(Integer.toString(o.attempts()));
    if (o.status() == CallOutcome.Status.OK) {
      w.raw(",\"result\":").raw(o.resultJson());
    }
    if (o.version() != null && o.status() != CallOutcome.Status.FAILED) {
      w.raw(",\"version\":").string(o.version().toString());
    }
    if (o.status() == CallOutcome.Status.FAILED) {
      w.raw(",\"error\":{\"code\":").string(o.code().name());
      w.raw(",\"message\":").string(o.message() == null ? "" : o.message());
      if (!o.fields().isEmpty()) {
        w.raw(",\"fields\":[");
        for (int i = 0; i < o.fields().size(); i++) {
          CallOutcome.FieldError f = o.fields().get(i);
          w.raw(i == 0 ? "{\"field\":" : ",{\"field\":").string(f.field());
          w.raw(",\"message\":").string(f.message()).raw("}");
        }
        w.raw("]");
      }
      w.raw("}");
    }
    return w.raw("}").toString();
  }

  /** {@code error}: {@code id} (JSON text) and {@code path} may be null. */
  public static String error(String id, String code, String message, String path) {
    FrameWriter w = new FrameWriter(160);
    w.raw("{\"type\":\"error\"");
    if (id != null) {
      w.raw(",\"id\":").raw(id);
    }
    w.raw(",\"code\":").string(code);
    w.raw(",\"message\":").string(message == null ? code : message);
    if (path != null) {
      w.raw(",\"path\":").string(path);
    }
    return w.raw("}").toString();
  }

  /** {@code authenticated}: the answer to an {@code auth} with a fresh token. */
  public static String authenticated(String id, Caller caller) {
    FrameWriter w = new FrameWriter(128);
    w.raw("{\"type\":\"authenticated\",\"id\":").raw(id);
    w.raw(",\"caller\":").caller(caller);
    return w.raw("}").toString();
  }

  /** {@code {"id":..,"roles":[..],"anonymous":..,"expiresAt":ms or null}}. */
  private FrameWriter caller(Caller c) {
    raw("{\"id\":").string(c.id()).raw(",\"roles\":[");
    boolean first = true;
    for (String r : new java.util.TreeSet<>(c.roles())) {
      if (!first) {
        raw(",");
      }
      string(r);
      first = false;
    }
    raw("],\"anonymous\":").raw(c.isAnonymous() ? "true" : "false");
    raw(",\"expiresAt\":");
    return c.expiresAtMillis() == Long.MAX_VALUE
        ? raw("null}")
        : number(c.expiresAtMillis()).raw("}");
  }

  /** {@code pong}, with the ping's id when it had one. */
  public static String pong(String id) {
    return id == null ? "{\"type\":\"pong\"}" : "{\"type\":\"pong\",\"id\":" + id + "}";
  }

  private void snapshotHead(String id, WatchKind kind, Path path, Version v, boolean full) {
    raw("{\"type\":\"snapshot\",\"id\":").raw(id);
    raw(",\"kind\":").string(kind.wire());
    raw(",\"path\":").string(path.toString());
    raw(",\"version\":").string(v.toString());
    raw(",\"full\":").raw(full ? "true" : "false");
    raw(",\"entries\":[");
  }

  private void entry(Path path, Value value, Version version) {
    raw("{\"path\":").string(path.toString());
    if (!value.isAbsent()) {
      raw(",\"value\":").value(value);
    }
    raw(",\"version\":").string(version.toString()).raw("}");
  }

  private void change(Change c) {
    switch (c.kind()) {
      case VALUE -> {
        raw("{\"op\":\"value\",\"path\":").string(c.path().toString());
        if (!c.value().isAbsent()) {
          raw(",\"value\":").value(c.value());
        }
        raw(",\"version\":").string(c.version().toString()).raw("}");
      }
      case KEY_ADDED -> raw("{\"op\":\"keyAdded\",\"path\":").string(c.path().toString()).raw("}");
      case KEY_REMOVED ->
          raw("{\"op\":\"keyRemoved\",\"path\":").string(c.path().toString()).raw("}");
    }
  }

  private FrameWriter raw(String s) {
    out.append(s);
    return this;
  }

  private FrameWriter number(long n) {
    out.append(n);
    return this;
  }

  private FrameWriter value(Value v) {
    out.append(new String(v.jsonBytes(), StandardCharsets.UTF_8));
    return this;
  }

  /** A JSON string: quotes, backslashes and control characters escaped, the rest as is. */
  private FrameWriter string(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (ch < 0x20) {
            out.append(String.format("\\u%04x", (int) ch));
          } else {
            out.append(ch);
          }
        }
      }
    }
    out.append('"');
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
