package io.querysub.websocket.client;

import io.querysub.websocket.protocol.WatchKind;
import io.querysub.websocket.protocol.WatchMode;
import io.querysub.websocket.protocol.WireCodes;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A connection to {@code /sync}. {@link #connect} says hello and waits for the welcome; then
 * watches, reads, commits and pings may be sent from any thread. Answers complete futures, and
 * watch updates reach their {@link WatchListener}s, on the WebSocket client's thread, in the order
 * the server sent them. When the connection ends every pending future fails with a {@link
 * SyncException} and {@link #closed()} completes with the close reason; nothing reconnects on its
 * own (resume by connecting again and watching with {@code since}).
 *
 * <p>Batching (on unless {@link #connect(URI, String, Duration, boolean)} says otherwise, and used
 * only when the server's {@code welcome} agrees): the server may send several messages in one array
 * frame; a request made while others wait for answers and a frame is being sent is sent with the
 * others waiting as one array frame once that frame is sent; {@link #batch} sends the requests made
 * inside it together. A lone request goes straight out, as without batching. Nothing changes for
 * the caller: answers still complete their own futures, in order.
 *
 * <p>Durability: a commit or a call is answered as soon as it is applied, and its result's {@code
 * durable()} completes when the server's {@code durable} notice says it is in the write-ahead log;
 * with {@link AnswerWhen#DURABLE} the answer itself waits for that.
 */
public final class SyncClient implements AutoCloseable {
  /** A watch this client holds. */
  public final class ClientWatch implements AutoCloseable {
    private final String id;
    private final WatchListener listener;
    private final boolean once;

    private ClientWatch(String id, WatchListener listener, boolean once) {
      this.id = id;
      this.listener = listener;
      this.once = once;
    }

    public String id() {
      return id;
    }

    /** Stops the watch (sends {@code unwatch}); nothing more reaches the listener. */
    @Override
    public void close() {
      if (watches.remove(id) != null && session.isOpen()) {
        send(JSON.createObjectBuilder().add("type", "unwatch").add("id", Long.parseLong(id)));
      }
    }
  }

  // Looked up once: JsonProvider.provider() (behind every Json.create...) searches the class
  // path on every call, which cost more than the rest of a round trip.
  static final JsonProvider JSON = JsonProvider.provider();

  private final AtomicLong ids = new AtomicLong();
  private final Map<String, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();
  // Commits and calls answered as applied, waiting for their durable notice, by request id.
  private final Map<String, CompletableFuture<Void>> durables = new ConcurrentHashMap<>();
  private final Map<String, ClientWatch> watches = new ConcurrentHashMap<>();
  private final CompletableFuture<JsonObject> welcome = new CompletableFuture<>();
  private final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
  private volatile Consumer<String> frameListener = f -> {};
  private volatile Consumer<ServerError> errorListener = e -> {};
  private volatile Session session;

  /** A frame to send: {@code alone} frames are never joined with others. */
  private record Outgoing(String text, boolean alone) {}

  private final ArrayDeque<Outgoing> outbox = new ArrayDeque<>(); // guarded by itself
  private boolean sending; // a thread is draining the outbox (guarded by outbox)
  private volatile boolean batching;
  private volatile int maxBatch = 1;
  private volatile int maxBatchChars;
  // Requests made inside batch(...) on this thread, or null.
  private final ThreadLocal<List<Outgoing>> batch = new ThreadLocal<>();

  // One container for every client: each container may hold its own I/O threads.
  private static WebSocketContainer container;
  private static final ScheduledExecutorService PINGER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "querysub-sync-ping");
            t.setDaemon(true);
            return t;
          });
  private volatile ScheduledFuture<?> pinging;

  private SyncClient() {}

  private static synchronized WebSocketContainer container() {
    if (container == null) {
      WebSocketContainer found = ContainerProvider.getWebSocketContainer();
      container =
          found.getClass().getName().equals("org.glassfish.tyrus.client.ClientManager")
              ? lasting(found)
              : found;
    }
    return container;
  }

  /**
   * On Tyrus, a container that keeps its executors when its last connection ends ({@link
   * LastingTyrusContainer} says why), else {@code found}. Made by name, so that class is loaded
   * only where Tyrus is.
   */
  private static WebSocketContainer lasting(WebSocketContainer found) {
    try {
      return (WebSocketContainer)
          Class.forName(SyncClient.class.getPackageName() + ".LastingTyrusContainer")
              .getDeclaredConstructor()
              .newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      return found;
    }
  }

  /**
   * Connects, sends {@code hello} and waits for {@code welcome}.
   *
   * @param uri {@code ws://host:port/sync}
   * @param clientId sent in {@code hello} (may be null)
   * @throws SyncException when the connection or the hello fails within {@code timeout}
   */
  public static SyncClient connect(URI uri, String clientId, Duration timeout) {
    return connect(uri, clientId, timeout, true);
  }

  /**
   * Connects as {@link #connect(URI, String, Duration)} does.
   *
   * @param batching ask for array frames (several messages in one frame, both ways); false: one
   *     message per frame, as a server without batching speaks
   */
  public static SyncClient connect(URI uri, String clientId, Duration timeout, boolean batching) {
    return connect(uri, clientId, timeout, batching, null);
  }

  /**
   * Connects as the caller {@code token} names (a signed JWT; null: anonymous, where the server
   * allows it). A refused token fails the connect with {@code UNAUTHENTICATED}; before it expires,
   * {@link #auth} sends a fresh one.
   */
  public static SyncClient connect(URI uri, String clientId, String token, Duration timeout) {
    return connect(uri, clientId, timeout, true, token);
  }

  private static SyncClient connect(
      URI uri, String clientId, Duration timeout, boolean batching, String token) {
    SyncClient c = new SyncClient();
    WebSocketContainer container = container();
    try {
      container.connectToServer(
          c.new Handler(), ClientEndpointConfig.Builder.create().build(), uri);
    } catch (DeploymentException | IOException e) {
      throw new SyncException("cannot connect to " + uri + ": " + e.getMessage(), e);
    }
    JsonObjectBuilder hello =
        JSON.createObjectBuilder().add("type", "hello").add("protocol", WireCodes.PROTOCOL);
    if (clientId != null) {
      hello.add("clientId", clientId);
    }
    if (batching) {
      hello.add("batching", true);
    }
    if (token != null) {
      hello.add("token", token);
    }
    c.send(hello);
    JsonObject w = await(c.welcome, timeout, "welcome");
    JsonObject limits = w.getJsonObject("limits");
    c.maxBatch = limits.getInt("maxBatch", 1);
    // A UTF-8 byte may take a char or less: a quarter of the frame limit is safe.
    c.maxBatchChars = Math.min(1 << 20, limits.getInt("maxMessageSize", 1 << 20) / 4);
    c.batching = batching && w.getBoolean("batching", false) && c.maxBatch > 1;
    c.keepAlive(limits.getInt("idleTimeoutSeconds", 0));
    return c;
  }

  /**
   * Every message the server sends, as text, before it is handled (for tests and tools). A message
   * that came inside an array frame is passed on its own, as JSON-P writes it.
   */
  public void onFrame(Consumer<String> listener) {
    frameListener = listener;
  }

  /** Errors the server sends that answer no pending request or watch. */
  public void onError(Consumer<ServerError> listener) {
    errorListener = listener;
  }

  /** The caller the server named from the token ({@code welcome}'s {@code caller}: id, roles). */
  public JsonObject caller() {
    return welcome.join().getJsonObject("caller");
  }

  /**
   * Sends a fresh token for the same caller (before the current one expires); completes with the
   * {@code authenticated} answer, or exceptionally with {@code UNAUTHENTICATED} or {@code
   * BAD_REQUEST} (another caller).
   */
  public CompletableFuture<JsonObject> auth(String token) {
    return request(JSON.createObjectBuilder().add("type", "auth").add("token", token));
  }

  /** The {@code welcome} frame: the server's session id and limits. */
  public JsonObject welcome() {
    return welcome.join();
  }

  /** Watches {@code path} in mode {@code latest} from now on. */
  public ClientWatch watch(String path, WatchListener listener) {
    return watch(WatchKind.PATH, path, WatchMode.LATEST, null, listener);
  }

  /**
   * Starts a watch; its snapshot and then its changes reach {@code listener}.
   *
   * @param since resume: only state newer than this version is sent (null: everything)
   */
  public ClientWatch watch(
      WatchKind kind, String path, WatchMode mode, String since, WatchListener listener) {
    String id = Long.toString(ids.incrementAndGet());
    ClientWatch w = new ClientWatch(id, listener, mode == WatchMode.ONCE);
    watches.put(id, w);
    JsonObjectBuilder b =
        JSON.createObjectBuilder()
            .add("type", "watch")
            .add("id", Long.parseLong(id))
            .add("kind", kind.wire())
            .add("path", path)
            .add("mode", mode.wire());
    if (since != null) {
      b.add("since", since);
    }
    send(b);
    return w;
  }

  /** The current value of {@code path}. */
  public CompletableFuture<Entry> read(String path) {
    return request(JSON.createObjectBuilder().add("type", "read").add("path", path))
        .thenApply(s -> snapshot(s).entries().get(0));
  }

  /**
   * Commits a transaction; the future holds the result, valid or rejected, as soon as it is applied
   * (its {@link CommitResult#durable} tells when it is on disk).
   */
  public CompletableFuture<CommitResult> commit(Tx tx) {
    return submit(tx).result();
  }

  /** Commits a transaction, answered {@code when} it is applied or only once it is durable. */
  public CompletableFuture<CommitResult> commit(Tx tx, AnswerWhen when) {
    return submit(tx, when).result();
  }

  /**
   * Sends a commit and returns at once with its request id, so that a later transaction can lock on
   * its writes before the answer arrives ({@link Tx#readAfter}).
   */
  public PendingCommit submit(Tx tx) {
    return submit(tx, AnswerWhen.APPLIED);
  }

  /**
   * Sends a commit as {@link #submit(Tx)} does, answered {@code when} it is applied or only once it
   * is durable. A later commit may lock on it either way: the server judges it when it is applied.
   */
  public PendingCommit submit(Tx tx, AnswerWhen when) {
    JsonObjectBuilder b = tx.toJson().add("type", "commit");
    Sent sent = sendAwaitingDurable(b, when);
    return new PendingCommit(sent.id, sent.answer.thenApply(o -> result(o, sent.durable(o))));
  }

  /**
   * Calls a server function. {@code callId} names the call: calling again with the same id (after a
   * lost answer, say) returns the first call's outcome and never runs the function twice. The
   * outcome comes as soon as the call's commit is applied ({@link CallResult#durable} tells when it
   * is on disk).
   */
  public CompletableFuture<CallResult> call(String function, String callId, JsonValue args) {
    return call(function, callId, args, AnswerWhen.APPLIED);
  }

  /** Calls a server function, answered {@code when} its commit is applied or once it is durable. */
  public CompletableFuture<CallResult> call(
      String function, String callId, JsonValue args, AnswerWhen when) {
    JsonObjectBuilder b =
        JSON.createObjectBuilder()
            .add("type", "call")
            .add("function", function)
            .add("callId", callId);
    if (args != null) {
      b.add("args", args);
    }
    Sent sent = sendAwaitingDurable(b, when);
    return sent.answer.thenApply(o -> callResult(o, sent.durable(o)));
  }

  private static CallResult callResult(JsonObject o, CompletableFuture<Void> durable) {
    JsonObject err = o.getJsonObject("error");
    return new CallResult(
        o.getString("callId"),
        o.getString("status"),
        o.get("result"),
        o.containsKey("version") ? o.getString("version") : null,
        err == null ? null : err.getString("code"),
        err == null ? null : err.getString("message"),
        err == null ? null : err.getJsonArray("fields"),
        o.getInt("attempts", 0),
        durable);
  }

  /** A commit or call sent: its request id, its answer, and when it is durable. */
  private final class Sent {
    final String id;
    final AnswerWhen when;
    final CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    final CompletableFuture<Void> durable = new CompletableFuture<>();

    Sent(String id, AnswerWhen when) {
      this.id = id;
      this.when = when;
    }

    /**
     * The durability future for an answer, completed first when the answer itself implies it (asked
     * with {@link AnswerWhen#DURABLE}, or nothing was applied: a rejected commit, a call that did
     * not end ok), so the result never shows it pending for nothing.
     */
    CompletableFuture<Void> durable(JsonObject o) {
      if (when == AnswerWhen.DURABLE || !noticeFollows(o)) {
        durables.remove(id, durable);
        durable.complete(null);
      }
      return durable;
    }
  }

  /**
   * Sends a commit or a call. Unless the answer implies durability, its durability future waits for
   * the {@code durable} (or {@code notDurable}) notice; it fails with the answer when the request
   * was refused. Answers and notices are handled in order on one thread, so the answer is always
   * seen before its notice.
   */
  private Sent sendAwaitingDurable(JsonObjectBuilder b, AnswerWhen when) {
    Sent sent = new Sent(Long.toString(ids.incrementAndGet()), when);
    if (when == AnswerWhen.DURABLE) {
      b.add("durable", true);
    } else {
      durables.put(sent.id, sent.durable);
    }
    sent.answer.whenComplete(
        (o, e) -> {
          if (e != null) {
            durables.remove(sent.id, sent.durable);
            sent.durable.completeExceptionally(e);
          }
        });
    pending.put(sent.id, sent.answer);
    try {
      send(b.add("id", Long.parseLong(sent.id)));
    } catch (SyncException e) {
      pending.remove(sent.id);
      durables.remove(sent.id);
      throw e;
    }
    return sent;
  }

  /** Whether a {@code durable} notice follows this answer: it applied something. */
  private static boolean noticeFollows(JsonObject answer) {
    String status = answer.getString("status", "");
    return answer.getString("type", "").equals("result")
        ? status.equals("valid")
        : status.equals("ok");
  }

  /** Round trip to the server. */
  public CompletableFuture<Void> ping() {
    return request(JSON.createObjectBuilder().add("type", "ping")).thenApply(o -> null);
  }

  /**
   * Sends the requests {@code body} makes on this thread together, as array frames of up to the
   * server's {@code maxBatch} requests, once {@code body} returns (or throws: what it made is sent
   * anyway). Answers complete each request's future as usual. Without batching (off, or a server
   * that does not batch) the requests are sent one by one, as {@code body} makes them.
   */
  public void batch(Runnable body) {
    if (!batching || batch.get() != null) {
      body.run(); // not batching, or already inside a batch of this thread
      return;
    }
    List<Outgoing> collected = new ArrayList<>();
    batch.set(collected);
    try {
      body.run();
    } finally {
      batch.remove();
      if (!collected.isEmpty()) {
        Session s = session;
        if (s == null || !s.isOpen()) {
          throw new SyncException("connection is closed", null);
        }
        boolean start;
        synchronized (outbox) {
          outbox.addAll(collected);
          start = !sending;
          sending = true;
        }
        if (start) {
          pumpOutbox(s);
        }
      }
    }
  }

  /** Sends a frame as it is, alone (for tests of bad input). */
  public void sendRaw(String text) {
    sendText(text, true);
  }

  /** Completes when the connection ends, with the close code and reason. */
  public CompletableFuture<CloseReason> closed() {
    return closed;
  }

  public boolean isOpen() {
    Session s = session;
    return s != null && s.isOpen();
  }

  @Override
  public void close() {
    Session s = session;
    if (s != null && s.isOpen()) {
      try {
        s.close();
      } catch (IOException e) {
        // Closing a broken connection: nothing to do.
      }
    }
  }

  /** Pings at a third of the server's idle timeout, so a quiet client is not closed as vanished. */
  private void keepAlive(int idleSeconds) {
    if (idleSeconds > 0) {
      long period = Math.max(1000L, idleSeconds * 1000L / 3);
      pinging =
          PINGER.scheduleAtFixedRate(
              () -> {
                if (isOpen()) {
                  try {
                    ping();
                  } catch (SyncException e) {
                    // Closing meanwhile: the close handler stops the pings.
                  }
                }
              },
              period,
              period,
              TimeUnit.MILLISECONDS);
    }
  }

  private CompletableFuture<JsonObject> request(JsonObjectBuilder b) {
    String id = Long.toString(ids.incrementAndGet());
    CompletableFuture<JsonObject> f = new CompletableFuture<>();
    pending.put(id, f);
    send(b.add("id", Long.parseLong(id)));
    return f;
  }

  private void send(JsonObjectBuilder b) {
    sendText(b.build().toString(), false);
  }

  /**
   * Sends a frame. Without batching, under the client's lock (the basic remote takes one frame at a
   * time). With batching: when nothing else waits for an answer and nothing is being sent, this
   * thread sends the frame on the basic remote (no hand-over, as without batching); otherwise the
   * frame joins the outbox and this method returns, one frame is in flight on the async remote at a
   * time, and when it is sent, everything that joined the outbox meanwhile leaves as the next frame
   * (an array frame when there are several requests).
   */
  private void sendText(String text, boolean alone) {
    Session s = session;
    if (s == null || !s.isOpen()) {
      throw new SyncException("connection is closed", null);
    }
    if (!batching) {
      synchronized (this) {
        basicSend(s, text);
      }
      return;
    }
    List<Outgoing> collecting = batch.get();
    if (collecting != null) {
      collecting.add(new Outgoing(text, alone));
      return;
    }
    boolean direct;
    synchronized (outbox) {
      direct = !sending && pending.size() <= 1; // at most the request being sent
      if (!direct) {
        outbox.add(new Outgoing(text, alone));
        if (sending) {
          return;
        }
      }
      sending = true;
    }
    if (direct) {
      try {
        basicSend(s, text);
      } catch (SyncException e) {
        outboxFailed();
        throw e;
      }
    }
    pumpOutbox(s); // what joined the outbox meanwhile, if anything
  }

  /** Sends outbox frames until it is empty, one in flight at a time. */
  private void pumpOutbox(Session s) {
    while (true) {
      String frame;
      synchronized (outbox) {
        if (outbox.isEmpty()) {
          sending = false;
          return;
        }
        frame = nextFrame();
      }
      // Whichever of "send returned" and "send completed" comes second carries on, so a send
      // that completes inline loops here instead of recursing.
      AtomicInteger phase = new AtomicInteger();
      try {
        s.getAsyncRemote()
            .sendText(
                frame,
                r -> {
                  if (!r.isOK()) {
                    outboxFailed();
                  } else if (phase.getAndIncrement() == 1) {
                    pumpOutbox(s);
                  }
                });
      } catch (RuntimeException e) {
        outboxFailed();
        throw new SyncException("sending failed: " + e.getMessage(), e);
      }
      if (phase.getAndIncrement() == 0) {
        return;
      }
    }
  }

  /** A send failed: nothing more is sent, and closing fails every pending request. */
  private void outboxFailed() {
    synchronized (outbox) {
      outbox.clear();
      sending = true; // stays "busy": nothing is sent on this connection again
    }
    close();
  }

  /** The next frame from the outbox: one alone frame, or the requests waiting, joined. */
  private String nextFrame() {
    Outgoing first = outbox.poll();
    if (first.alone || outbox.isEmpty() || outbox.peek().alone) {
      return first.text;
    }
    StringBuilder b = new StringBuilder(first.text.length() * (outbox.size() + 1) + 2);
    b.append('[').append(first.text);
    int n = 1;
    while (n < maxBatch && !outbox.isEmpty() && !outbox.peek().alone) {
      if (b.length() + outbox.peek().text.length() > maxBatchChars) {
        break;
      }
      b.append(',').append(outbox.poll().text);
      n++;
    }
    return b.append(']').toString();
  }

  private static void basicSend(Session s, String text) {
    try {
      s.getBasicRemote().sendText(text);
    } catch (IOException e) {
      throw new SyncException("sending failed: " + e.getMessage(), e);
    }
  }

  private void handle(String text) {
    JsonValue v;
    try (JsonReader r = JSON.createReader(new StringReader(text))) {
      v = r.readValue();
    }
    if (v instanceof JsonArray a) {
      for (JsonValue m : a) {
        JsonObject o = m.asJsonObject();
        frameListener.accept(o.toString());
        handle(o);
      }
    } else {
      frameListener.accept(text);
      handle(v.asJsonObject());
    }
  }

  private void handle(JsonObject o) {
    String type = o.getString("type", "");
    String id = o.containsKey("id") ? o.get("id").toString() : null;
    switch (type) {
      case "welcome" -> welcome.complete(o);
      case "snapshot", "result", "callResult", "pong", "authenticated" -> {
        CompletableFuture<JsonObject> f = id == null ? null : pending.remove(id);
        if (f != null) {
          f.complete(o);
        } else if (type.equals("snapshot")) {
          ClientWatch w = watches.get(id);
          if (w != null) {
            if (w.once) {
              watches.remove(id);
            }
            w.listener.snapshot(snapshot(o));
          }
        }
      }
      case "durable", "notDurable" -> {
        CompletableFuture<Void> d = id == null ? null : durables.remove(id);
        if (d != null && type.equals("durable")) {
          d.complete(null);
        } else if (d != null) {
          d.completeExceptionally(
              new SyncException(
                  new ServerError(id, o.getString("code", ""), o.getString("message", ""), null)));
        }
      }
      case "changes" -> {
        ClientWatch w = watches.get(id);
        if (w != null) {
          w.listener.changes(batches(o.getJsonArray("batches")), o.getBoolean("coalesced", false));
        }
      }
      case "error" -> {
        ServerError e =
            new ServerError(
                id,
                o.getString("code", ""),
                o.getString("message", ""),
                o.containsKey("path") ? o.getString("path") : null);
        CompletableFuture<JsonObject> f = id == null ? null : pending.remove(id);
        ClientWatch w = id == null || f != null ? null : watches.remove(id);
        if (f != null) {
          f.completeExceptionally(new SyncException(e));
        } else if (w != null) {
          w.listener.error(e);
        } else if (!welcome.isDone()) {
          welcome.completeExceptionally(new SyncException(e));
        } else {
          errorListener.accept(e);
        }
      }
      default -> {
        // A newer server's message this client does not know: ignored, as the protocol allows.
      }
    }
  }

  private void ended(CloseReason reason) {
    ScheduledFuture<?> p = pinging;
    if (p != null) {
      p.cancel(false);
    }
    closed.complete(reason);
    SyncException e =
        new SyncException(
            "connection closed: "
                + reason.getCloseCode().getCode()
                + " "
                + reason.getReasonPhrase(),
            null);
    welcome.completeExceptionally(e);
    for (String id : List.copyOf(pending.keySet())) {
      CompletableFuture<JsonObject> f = pending.remove(id);
      if (f != null) {
        f.completeExceptionally(e);
      }
    }
    SyncException unknown =
        new SyncException(
            "connection closed before the server said the write was durable: "
                + reason.getCloseCode().getCode()
                + " "
                + reason.getReasonPhrase(),
            null);
    for (String id : List.copyOf(durables.keySet())) {
      CompletableFuture<Void> d = durables.remove(id);
      if (d != null) {
        d.completeExceptionally(unknown);
      }
    }
  }

  private static Snapshot snapshot(JsonObject o) {
    List<Entry> entries = new ArrayList<>();
    for (JsonValue v : o.getJsonArray("entries")) {
      JsonObject e = v.asJsonObject();
      entries.add(new Entry(e.getString("path"), e.get("value"), e.getString("version")));
    }
    return new Snapshot(
        o.get("id").toString(),
        o.getString("kind"),
        o.getString("path"),
        o.getString("version"),
        o.getBoolean("full"),
        entries);
  }

  private static List<Batch> batches(JsonArray a) {
    List<Batch> out = new ArrayList<>(a.size());
    for (JsonValue v : a) {
      JsonObject b = v.asJsonObject();
      List<Change> changes = new ArrayList<>();
      for (JsonValue cv : b.getJsonArray("changes")) {
        JsonObject c = cv.asJsonObject();
        changes.add(
            new Change(
                c.getString("op"),
                c.getString("path"),
                c.get("value"),
                c.containsKey("version") ? c.getString("version") : b.getString("version")));
      }
      out.add(new Batch(b.getString("version"), changes));
    }
    return out;
  }

  private static CommitResult result(JsonObject o, CompletableFuture<Void> durable) {
    JsonObject c = o.getJsonObject("conflict");
    return new CommitResult(
        o.getString("status"),
        o.containsKey("version") ? o.getString("version") : null,
        c == null
            ? null
            : new CommitResult.Conflict(
                c.getString("path"),
                c.containsKey("version") ? c.getString("version") : null,
                c.getBoolean("children", false),
                c.getString("reason", ""),
                c.containsKey("commit") ? c.get("commit").toString() : null),
        durable);
  }

  private static <T> T await(CompletableFuture<T> f, Duration timeout, String what) {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof SyncException s
          ? s
          : new SyncException(what + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new SyncException("no " + what + " within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SyncException("interrupted waiting for " + what, e);
    }
  }

  /** The WebSocket side: one per connection. */
  private final class Handler extends Endpoint {
    @Override
    public void onOpen(Session s, EndpointConfig config) {
      session = s;
      s.setMaxTextMessageBufferSize(64 * 1024 * 1024);
      s.addMessageHandler(String.class, (MessageHandler.Whole<String>) SyncClient.this::handle);
    }

    @Override
    public void onClose(Session s, CloseReason reason) {
      ended(reason);
    }

    @Override
    public void onError(Session s, Throwable t) {
      ended(
          new CloseReason(
              CloseReason.CloseCodes.CLOSED_ABNORMALLY, String.valueOf(t.getMessage())));
    }
  }
}
