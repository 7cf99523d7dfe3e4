package io.querysub.websocket.internal;

import io.querysub.core.auth.Caller;
import io.querysub.core.data.DataService;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.ChildrenPage;
import io.querysub.engine.store.CommitResult;
import io.querysub.engine.store.History;
import io.querysub.engine.store.ReadLock;
import io.querysub.engine.store.ReadResult;
import io.querysub.engine.store.Subtree;
import io.querysub.engine.store.Write;
import io.querysub.engine.version.Version;
import io.querysub.engine.watch.ChangeBatch;
import io.querysub.engine.watch.WatchHub;
import io.querysub.websocket.SyncSettings;
import io.querysub.websocket.protocol.FrameWriter;
import io.querysub.websocket.protocol.ProtocolException;
import io.querysub.websocket.protocol.Request;
import io.querysub.websocket.protocol.RequestReader;
import io.querysub.websocket.protocol.WatchKind;
import io.querysub.websocket.protocol.WatchMode;
import io.querysub.websocket.protocol.WireCodes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client's conversation on {@code /sync}: reads each frame, answers it through the connection's
 * {@link Outbound} queue, and holds the client's watches until they are unwatched or the connection
 * ends. Every refusal is an {@code error} frame and the connection stays usable; only a frame over
 * the size limit (1009) or a queue overflow (4001) closes it. A commit's or call's answer, and the
 * {@code durable} notice after it, are sent by {@link DurableReplies}.
 *
 * <p>Threading: {@link #onText} is called for one frame at a time (the WebSocket container never
 * overlaps them for a session); {@link #close} may run on any thread, at any time, also while a
 * frame is being handled, and leaves no watch open.
 */
public final class Connection {
  private static final Logger LOG = Logger.getLogger(Connection.class.getName());

  private final String session;
  private final DataService data;
  private final Supplier<WatchHub> hub;
  private final SyncSettings settings;
  private final Outbound out;
  private final DurableReplies durable;
  private final Outbound.Transport transport;
  private final RateLimiter limiter;
  private final Calls calls;
  private final Gate gate;
  private final Executor executor;
  private volatile Caller caller; // null until hello
  private final Map<String, ActiveWatch> watches = new ConcurrentHashMap<>();
  private final RecentCommits recent = new RecentCommits();
  private volatile boolean greeted;
  private volatile long lastHeard = System.nanoTime();
  private boolean closed; // guarded by this

  public Connection(
      String session,
      DataService data,
      Supplier<WatchHub> hub,
      SyncSettings settings,
      Outbound.Transport transport,
      Executor executor) {
    this(session, data, hub, settings, transport, executor, null);
  }

  /** With {@code calls} for server function calls (null: calls are refused). */
  public Connection(
      String session,
      DataService data,
      Supplier<WatchHub> hub,
      SyncSettings settings,
      Outbound.Transport transport,
      Executor executor,
      Calls calls) {
    this(session, data, hub, settings, transport, executor, calls, null);
  }

  /**
   * With {@code later}, the timer that sends {@code durable} notices no answer took along (null:
   * notices are sent as soon as they are ready).
   */
  public Connection(
      String session,
      DataService data,
      Supplier<WatchHub> hub,
      SyncSettings settings,
      Outbound.Transport transport,
      Executor executor,
      Calls calls,
      DurableReplies.Later later) {
    this(session, data, hub, settings, transport, executor, calls, later, Gate.ANONYMOUS);
  }

  /** With {@code gate}, which names the caller from the {@code hello}'s token. */
  public Connection(
      String session,
      DataService data,
      Supplier<WatchHub> hub,
      SyncSettings settings,
      Outbound.Transport transport,
      Executor executor,
      Calls calls,
      DurableReplies.Later later,
      Gate gate) {
    this.calls = calls;
    this.gate = gate;
    this.executor = executor;
    this.session = session;
    this.data = data;
    this.hub = hub;
    this.settings = settings;
    this.transport = transport;
    this.out = new Outbound(transport, executor, settings.maxQueue(), this::close);
    this.durable =
        later == null
            ? new DurableReplies(out, executor)
            : new DurableReplies(out, executor, later, settings.durableNoticeDelayMillis());
    this.limiter = new RateLimiter(settings.maxRequestsPerSecond(), System.nanoTime());
  }

  public String session() {
    return session;
  }

  /** How many watches this connection holds open. */
  public int watchCount() {
    return watches.size();
  }

  /** Whether the client has sent nothing for {@code nanos} (as of {@code now}, nanoTime). */
  public boolean silentFor(long nanos, long now) {
    return now - lastHeard > nanos;
  }

  /**
   * Handles one text frame: one request, or an array of requests handled in order as if each came
   * in a frame of its own (each counts for the rate limit and gets its own answer). The answers are
   * held back until the whole frame is handled, so they can leave together.
   */
  public void onText(String text) {
    lastHeard = System.nanoTime();
    if (utf8Length(text) > settings.maxMessageSize()) {
      close();
      transport.close(
          WireCodes.CLOSE_TOO_BIG,
          "frame over " + settings.maxMessageSize() + " bytes (querysub.maxRequestSize)");
      return;
    }
    out.hold();
    try {
      List<RequestReader.Item> items;
      try {
        items = RequestReader.readFrame(text);
      } catch (ProtocolException e) {
        items = List.of(new RequestReader.Item(null, e)); // a frame that is not even read
      }
      for (RequestReader.Item item : items) {
        handle(item);
      }
    } finally {
      out.release();
    }
  }

  private void handle(RequestReader.Item item) {
    if (!limiter.tryAcquire(System.nanoTime())) {
      out.send(
          FrameWriter.error(
              item.id(),
              WireCodes.LIMIT_EXCEEDED,
              "more than "
                  + settings.maxRequestsPerSecond()
                  + " requests a second on one connection; request not processed",
              null));
      return;
    }
    ProtocolException refused = item.error();
    if (refused != null) {
      out.send(
          FrameWriter.error(refused.id(), refused.code(), refused.getMessage(), refused.path()));
      return;
    }
    Request req = item.request();
    try {
      handle(req);
    } catch (ProtocolException e) {
      out.send(FrameWriter.error(e.id(), e.code(), e.getMessage(), e.path()));
    } catch (RuntimeException e) {
      out.send(failure(req.id(), e));
    }
  }

  /** Closes every watch and drops what is queued. Safe to call more than once, from any thread. */
  public void close() {
    closeWatches();
    out.shutdown();
  }

  /** Marks the connection closed (no watch is kept after) and closes every watch it holds. */
  private void closeWatches() {
    synchronized (this) {
      closed = true;
    }
    for (ActiveWatch w : watches.values()) {
      w.close();
    }
    watches.clear();
  }

  /** Ends the session from the server's side with a close code, leaving no watch open. */
  public void closeSession(int code, String reason) {
    close();
    transport.close(code, reason);
  }

  private void handle(Request req) {
    if (req instanceof Request.Hello h) {
      hello(h);
      return;
    }
    if (!greeted) {
      throw new ProtocolException(
          WireCodes.BAD_REQUEST, "send hello first (protocol v1)", req.id(), null);
    }
    if (req instanceof Request.Watch w) {
      watch(w);
    } else if (req instanceof Request.Unwatch u) {
      unwatch(u);
    } else if (req instanceof Request.Read r) {
      read(r);
    } else if (req instanceof Request.Commit c) {
      commit(c);
    } else if (req instanceof Request.Call c) {
      call(c);
    } else if (req instanceof Request.Auth a) {
      auth(a);
    } else {
      out.send(FrameWriter.pong(req.id()));
    }
  }

  private void hello(Request.Hello h) {
    if (greeted) {
      throw new ProtocolException(WireCodes.BAD_REQUEST, "hello was already sent", null, null);
    }
    if (!WireCodes.PROTOCOL.equals(h.protocol())) {
      throw new ProtocolException(
          WireCodes.NOT_SUPPORTED,
          "protocol '" + h.protocol() + "' is not supported; this server speaks v1",
          null,
          null);
    }
    if (h.clientId() != null && h.clientId().length() > RequestReader.MAX_ID_LENGTH) {
      throw new ProtocolException(
          WireCodes.BAD_REQUEST,
          "clientId must be at most " + RequestReader.MAX_ID_LENGTH + " characters",
          null,
          null);
    }
    Caller who;
    try {
      who = gate.authenticate(h.token());
    } catch (QuerysubException e) {
      // No conversation without an identity: say why, then close (reconnect with a token).
      closeAfter(
          FrameWriter.error(null, e.code().name(), e.getMessage(), null),
          WireCodes.CLOSE_UNAUTHENTICATED,
          "unauthenticated");
      return;
    }
    caller = who;
    greeted = true;
    out.batching(h.batching());
    out.send(
        FrameWriter.welcome(
            h.clientId(),
            who,
            h.batching(),
            session,
            new FrameWriter.Limits(
                settings.maxMessageSize(),
                settings.maxWatches(),
                settings.maxQueue(),
                settings.maxRequestsPerSecond(),
                settings.maxWatchKeys(),
                settings.maxSubtreePaths(),
                settings.idleTimeoutSeconds(),
                RequestReader.MAX_BATCH)));
  }

  private void watch(Request.Watch w) {
    String id = w.id();
    if (w.mode() == WatchMode.HISTORY && w.kind() != WatchKind.PATH) {
      throw new ProtocolException(
          WireCodes.NOT_SUPPORTED,
          "history mode is for path watches; children and subtree watches resume with since",
          id,
          w.path());
    }
    if (watches.containsKey(id)) {
      throw new ProtocolException(
          WireCodes.BAD_REQUEST, "a watch with this id is already open", id, null);
    }
    if (w.mode() != WatchMode.ONCE && watches.size() >= settings.maxWatches()) {
      throw new ProtocolException(
          WireCodes.LIMIT_EXCEEDED,
          "at most " + settings.maxWatches() + " watches on one connection",
          id,
          w.path());
    }
    Path path = clientPath(w.path(), w.kind() != WatchKind.PATH);
    Version since = w.since() == null ? null : Version.parse(w.since());

    ActiveWatch active = new ActiveWatch(id, w.mode());
    Consumer<ChangeBatch> deliver = b -> out.changes(active, b, 0);
    WatchAccess access = new WatchAccess(data, caller);
    Outbound.Slot slot = out.reserve();
    String frame = null;
    try {
      WatchHub h = hub.get();
      switch (w.kind()) {
        case PATH -> {
          data.checkRead(caller, path);
          Consumer<ChangeBatch> sink = access.path(path, deliver, () -> denied(active, path));
          WatchHub.Started<ReadResult> s = h.watchPath(path, sink);
          active.started(s.watch());
          ReadResult r = s.snapshot();
          frame =
              w.mode() == WatchMode.HISTORY
                  ? historyFrame(id, path, since, r.version())
                  : FrameWriter.pathSnapshot(id, r, since == null || r.version().isAfter(since));
        }
        case CHILDREN, SUBTREE -> {
          if (FilteredScope.needed(data, caller)) {
            FilteredScope scope =
                new FilteredScope(
                    data,
                    caller,
                    hub,
                    executor,
                    w.mode() == WatchMode.ONCE ? null : () -> restart(active, w.kind(), path));
            active.scope = scope;
            active.onClose(scope::close);
          }
          frame = startScoped(active, w.kind(), path, deliver);
        }
      }
      if (w.mode() == WatchMode.ONCE) {
        active.close();
      } else {
        keep(active);
      }
    } catch (QuerysubException e) {
      active.close();
      frame = FrameWriter.error(id, e.code().name(), e.getMessage(), e.path());
    } catch (RuntimeException e) {
      active.close();
      frame = failure(id, e);
    } finally {
      // The slot is always filled: an empty one would hold back every frame behind it.
      out.fill(slot, frame != null ? frame : failure(id, new IllegalStateException("no frame")));
    }
  }

  /**
   * Starts the engine watch of a children or subtree watch and returns its snapshot frame, both
   * filtered by the watch's scope when permissions apply.
   */
  private String startScoped(
      ActiveWatch active, WatchKind kind, Path path, Consumer<ChangeBatch> deliver) {
    FilteredScope scope = active.scope;
    Consumer<ChangeBatch> sink = scope == null ? deliver : scope.sink(deliver);
    WatchHub h = hub.get();
    if (kind == WatchKind.CHILDREN) {
      WatchHub.Started<ChildrenPage> s = h.watchChildren(path, settings.maxWatchKeys(), sink);
      active.restarted(s.watch());
      return FrameWriter.childrenSnapshot(
          active.id, scope == null ? s.snapshot() : scope.children(s.snapshot()));
    }
    WatchHub.Started<Subtree> s = h.watchSubtree(path, settings.maxSubtreePaths(), sink);
    active.restarted(s.watch());
    return FrameWriter.subtreeSnapshot(
        active.id, scope == null ? s.snapshot() : scope.subtree(s.snapshot()));
  }

  /**
   * What the caller may read in a children or subtree watch changed (data its rules read, or the
   * rules): the watch starts over with a new, complete snapshot in place of everything it sent
   * before. Queued changes of the old start are dropped; a failure ends the watch with an error.
   */
  private void restart(ActiveWatch active, WatchKind kind, Path path) {
    if (active.closed() || watches.get(active.id) != active) {
      return;
    }
    Outbound.Restart r = out.restart(active);
    String frame = null;
    try {
      frame = startScoped(active, kind, path, b -> out.changes(active, b, r.generation()));
    } catch (QuerysubException e) {
      frame = FrameWriter.error(active.id, e.code().name(), e.getMessage(), e.path());
      watches.remove(active.id, active);
      active.close();
    } catch (RuntimeException e) {
      frame = failure(active.id, e);
      watches.remove(active.id, active);
      active.close();
    } finally {
      out.fill(r.slot(), frame != null ? frame : failure(active.id, new IllegalStateException()));
    }
  }

  /**
   * The writes above {@code since} that the watch's snapshot version covers; later ones reach the
   * watch through the feed, so each write is sent once.
   */
  private String historyFrame(String id, Path path, Version since, Version upTo) {
    History h = data.history(caller, path, since == null ? Version.ZERO : since);
    if (!h.complete()) {
      throw new QuerysubException(
          ErrorCode.HISTORY_INCOMPLETE,
          "writes above "
              + (since == null ? "0" : since)
              + " are no longer kept (older than the golden horizon and the history retention);"
              + " read the current value instead",
          path.toString());
    }
    List<History.Entry> covered = new ArrayList<>(h.entries().size());
    for (History.Entry e : h.entries()) {
      if (e.version().compareTo(upTo) <= 0) {
        covered.add(e);
      }
    }
    return FrameWriter.historySnapshot(id, path, upTo, covered);
  }

  private void keep(ActiveWatch w) {
    synchronized (this) {
      if (!closed) {
        watches.put(w.id, w);
        return;
      }
    }
    w.close(); // the connection ended while the watch was starting
  }

  /** A path watch's caller may no longer read its path: the watch ends, and the client is told. */
  private void denied(ActiveWatch w, Path path) {
    if (watches.remove(w.id, w)) {
      w.close();
      out.send(
          FrameWriter.error(
              w.id,
              WireCodes.PERMISSION_DENIED,
              "the caller may no longer read this path; the watch is closed",
              path.toString()));
    }
  }

  /** A fresh token for the same caller (before the current one expires). */
  private void auth(Request.Auth a) {
    Caller next;
    try {
      next = gate.authenticate(a.token());
    } catch (QuerysubException e) {
      throw new ProtocolException(e.code().name(), e.getMessage(), a.id(), null);
    }
    if (!next.id().equals(caller.id())) {
      throw new ProtocolException(
          WireCodes.BAD_REQUEST,
          "the token names "
              + next.id()
              + ", not "
              + caller.id()
              + "; a connection keeps its"
              + " caller (reconnect to change it)",
          a.id(),
          null);
    }
    caller = next;
    out.send(FrameWriter.authenticated(a.id(), next));
  }

  /**
   * Closes the connection when its caller's token has expired or was signed out (the client had
   * until then to send a fresh one with {@code auth}).
   *
   * @return whether it was closed
   */
  public boolean closeIfTokenEnded(long nowMillis) {
    Caller c = caller;
    if (c == null || gate.stillValid(c, nowMillis)) {
      return false;
    }
    closeAfter(
        FrameWriter.error(
            null,
            WireCodes.UNAUTHENTICATED,
            "the connection's token expired or was signed out; reconnect with a new one",
            null),
        WireCodes.CLOSE_UNAUTHENTICATED,
        "token ended");
    return true;
  }

  /** Sends {@code frame}, then ends the session with {@code code}, leaving no watch open. */
  private void closeAfter(String frame, int code, String reason) {
    closeWatches();
    out.sendThenClose(frame, code, reason);
  }

  private void unwatch(Request.Unwatch u) {
    ActiveWatch w = watches.remove(u.id());
    if (w == null) {
      throw new ProtocolException(WireCodes.NOT_FOUND, "no open watch has this id", u.id(), null);
    }
    w.close();
  }

  private void read(Request.Read r) {
    ReadResult result = data.read(caller, Path.parse(r.path()));
    out.send(FrameWriter.pathSnapshot(r.id(), result, true));
  }

  private void commit(Request.Commit c) {
    try {
      data.checkTxSize(c.reads().size() + c.childReads().size(), c.writes().size());
      List<Request.Lock> reads = new ArrayList<>(c.reads().size());
      for (Request.Lock l : c.reads()) {
        reads.add(resolve(l, false, c.id()));
      }
      List<Request.Lock> childReads = new ArrayList<>(c.childReads().size());
      for (Request.Lock l : c.childReads()) {
        childReads.add(resolve(l, true, c.id()));
      }
      List<ReadLock> locks = DataService.locks(reads, childReads);
      List<Write> writes = new ArrayList<>(c.writes().size());
      Set<Path> written = new HashSet<>();
      for (Request.WriteOp w : c.writes()) {
        Path p = Path.parse(w.path());
        written.add(p);
        writes.add(w.delete() ? Write.delete(p) : new Write(p, data.value(w.value(), p)));
      }
      CommitResult result = data.commit(caller, locks, writes);
      recent.remember(
          c.id(),
          result.isValid()
              ? new RecentCommits.Valid(result.version(), written)
              : new RecentCommits.Failed(
                  "commit "
                      + c.id()
                      + " was rejected: the lock on "
                      + result.conflict().path()
                      + " broke"));
      durable.commit(c.id(), result, c.durable(), () -> data.whenDurable(result));
    } catch (DependencyFailed e) {
      recent.remember(c.id(), new RecentCommits.Failed(e.reason));
      out.send(
          FrameWriter.dependencyRejected(
              c.id(), e.lock.path(), e.children, e.lock.commit(), e.reason));
    } catch (RuntimeException e) {
      recent.remember(
          c.id(), new RecentCommits.Failed("commit " + c.id() + " was refused: " + e.getMessage()));
      throw e;
    }
  }

  /**
   * Runs a server function call; its {@code callResult} is sent when the call ends (an {@code ok}
   * call: when its commit is applied, followed by a {@code durable} notice; or, asked with {@code
   * durable: true}, once it is durable), which may be after the answers to later requests.
   */
  private void call(Request.Call c) {
    if (calls == null) {
      throw new ProtocolException(
          WireCodes.NOT_SUPPORTED, "this node runs no server functions", c.id(), null);
    }
    calls
        .call(c.function(), c.callId(), c.args(), caller)
        .whenComplete(
            (a, e) -> {
              if (e != null) {
                out.send(failure(c.id(), new IllegalStateException(e)));
              } else {
                durable.call(c.id(), a, c.durable());
              }
            });
  }

  /**
   * A lock as the engine takes it: one naming an earlier commit of this connection reads that
   * commit's version; if that commit was rejected or refused, so is this one ({@link
   * DependencyFailed}).
   */
  private Request.Lock resolve(Request.Lock l, boolean children, String id) {
    if (!l.dependent()) {
      return l;
    }
    RecentCommits.Outcome o = recent.get(l.commit());
    if (o == null) {
      throw new ProtocolException(
          WireCodes.NOT_FOUND,
          "no commit with id "
              + l.commit()
              + " among the last "
              + RecentCommits.KEPT
              + " commits of this connection",
          id,
          l.path());
    }
    if (o instanceof RecentCommits.Failed f) {
      throw new DependencyFailed(l, children, f.reason());
    }
    RecentCommits.Valid v = (RecentCommits.Valid) o;
    if (!children && !v.written().contains(Path.parse(l.path()))) {
      throw new ProtocolException(
          WireCodes.BAD_REQUEST,
          "commit " + l.commit() + " did not write " + l.path() + "; lock on a version instead",
          id,
          l.path());
    }
    return l.at(v.version().toString());
  }

  /** A lock named an earlier commit that was rejected or refused. */
  private static final class DependencyFailed extends RuntimeException {
    final Request.Lock lock;
    final boolean children;
    final String reason;

    DependencyFailed(Request.Lock lock, boolean children, String reason) {
      super(reason, null, false, false);
      this.lock = lock;
      this.children = children;
      this.reason = reason;
    }
  }

  /**
   * A path a client may watch: children and subtree watches may name the root; system paths are
   * refused, except call records (read-only).
   */
  private static Path clientPath(String text, boolean rootAllowed) {
    return DataService.readablePath(rootAllowed ? Path.parseAllowingRoot(text) : Path.parse(text));
  }

  private String failure(String id, RuntimeException e) {
    if (e instanceof QuerysubException q) {
      return FrameWriter.error(id, q.code().name(), q.getMessage(), q.path());
    }
    String incident = UUID.randomUUID().toString();
    LOG.log(Level.SEVERE, "sync session " + session + ": incident " + incident, e);
    return FrameWriter.error(
        id, WireCodes.INTERNAL, "unexpected failure; incident " + incident, null);
  }

  /** UTF-8 length of a frame, counted only when it could be over the limit. */
  private int utf8Length(String s) {
    long max = settings.maxMessageSize();
    if (s.length() * 3L <= max) {
      return s.length();
    }
    if (s.length() > max) {
      return s.length();
    }
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
