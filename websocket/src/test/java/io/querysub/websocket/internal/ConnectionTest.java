package io.querysub.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.querysub.config.NodeSettings;
import io.querysub.config.SettingsReader;
import io.querysub.core.data.DataService;
import io.querysub.core.fn.CallAnswer;
import io.querysub.core.fn.CallOutcome;
import io.querysub.core.node.NodeEngine;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.fail.FailPointException;
import io.querysub.engine.fail.FailPoints;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.Value;
import io.querysub.engine.version.Version;
import io.querysub.engine.watch.WatchHub;
import io.querysub.websocket.SyncSettings;
import io.querysub.websocket.protocol.WireCodes;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A connection driven frame by frame against a real store, with a socket that records frames. */
class ConnectionTest {
  private static final io.querysub.core.auth.Caller ANY = io.querysub.core.auth.Caller.anonymous();

  @TempDir java.nio.file.Path dir;

  private DataService data;
  private WatchHub hub;
  private SyncSettings sync;
  private OutboundTest.FakeTransport socket;
  private Connection conn;
  private HeldSync held;

  @BeforeEach
  void open() {
    Map<String, String> values = new HashMap<>();
    values.put(SettingsReader.DATA_DIR, dir.resolve("data").toString());
    values.put(SettingsReader.MAX_REQUEST_SIZE, "4KiB");
    values.put(SettingsReader.MAX_VALUE_SIZE, "1KiB");
    NodeSettings node = SettingsReader.read(k -> Optional.ofNullable(values.get(k)));
    NodeEngine engine = NodeEngine.standalone(node);
    data = new DataService(engine, node);
    hub = new WatchHub(engine.store());
    sync =
        SyncSettings.read(
            k ->
                Optional.ofNullable(
                    Map.of(
                            SyncSettings.MAX_WATCHES,
                            "3",
                            SyncSettings.MAX_REQUESTS_PER_SECOND,
                            "50")
                        .get(k)),
            node.maxRequestBytes());
    socket = new OutboundTest.FakeTransport();
    conn = new Connection("s1", data, () -> hub, sync, socket, Runnable::run);
  }

  @AfterEach
  void disarm() {
    FailPoints.disarmAll();
    if (held != null) {
      held.release.countDown(); // never leave the log's thread waiting
    }
  }

  /**
   * Holds the log's syncs at {@code wal.beforeSync} until {@code release}: durability on cue. The
   * held sync covers the records appended before it started; later ones wait for the next. With
   * {@code thenFail} the held sync fails, and the log with it.
   */
  private HeldSync holdTheLog(boolean thenFail) {
    held = new HeldSync(thenFail);
    return held;
  }

  private static final class HeldSync {
    final CountDownLatch reached = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    HeldSync(boolean thenFail) {
      FailPoints.arm(
          FailPoints.WAL_BEFORE_SYNC,
          p -> {
            reached.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            if (thenFail) {
              throw new FailPointException(p);
            }
          });
    }

    void awaitReached() throws InterruptedException {
      assertThat(reached.await(10, TimeUnit.SECONDS)).as("the log's sync started").isTrue();
    }
  }

  private JsonObject send(String frame) {
    int before = answers().size();
    conn.onText(frame);
    assertThat(answers()).as("one answer to " + frame).hasSize(before + 1);
    return last();
  }

  private JsonObject last() {
    List<List<JsonObject>> a = answers();
    List<JsonObject> frame = a.get(a.size() - 1);
    return frame.get(frame.size() - 1);
  }

  private static boolean isNotice(JsonObject m) {
    String type = m.getString("type");
    return type.equals("durable") || type.equals("notDurable");
  }

  /**
   * The frames sent so far, each as its messages, leaving out {@code durable} notices: they come
   * whenever the log syncs, on its thread, and the tests that are not about them ignore them.
   */
  private List<List<JsonObject>> answers() {
    List<List<JsonObject>> out = new ArrayList<>();
    for (List<JsonObject> f : frames()) {
      List<JsonObject> m = f.stream().filter(o -> !isNotice(o)).toList();
      if (!m.isEmpty()) {
        out.add(m);
      }
    }
    return out;
  }

  /** Every durable and notDurable notice sent so far, in order. */
  private List<JsonObject> notices() {
    return everything().stream().filter(ConnectionTest::isNotice).toList();
  }

  /** Every message sent so far, in order. */
  private List<JsonObject> everything() {
    return frames().stream().flatMap(List::stream).toList();
  }

  private final List<List<JsonObject>> parsed = new ArrayList<>();

  /** The frames sent so far, each parsed once. */
  private synchronized List<List<JsonObject>> frames() {
    List<String> sent = socket.sent;
    for (int i = parsed.size(); i < sent.size(); i++) {
      parsed.add(messages(sent.get(i)));
    }
    return List.copyOf(parsed);
  }

  private void hello() {
    assertThat(
            send("{\"type\":\"hello\",\"protocol\":\"v1\",\"clientId\":\"t\"}").getString("type"))
        .isEqualTo("welcome");
  }

  @Test
  void helloFirstThenWelcomeWithLimits() {
    JsonObject e = send("{\"type\":\"ping\",\"id\":1}");
    assertThat(e.getString("code")).isEqualTo("BAD_REQUEST");
    assertThat(send("{\"type\":\"hello\",\"protocol\":\"v2\"}").getString("code"))
        .isEqualTo(WireCodes.NOT_SUPPORTED);
    JsonObject w = send("{\"type\":\"hello\",\"protocol\":\"v1\",\"clientId\":\"t\"}");
    assertThat(w.getString("clientId")).isEqualTo("t");
    assertThat(w.getJsonObject("limits").getInt("maxWatches")).isEqualTo(3);
    assertThat(send("{\"type\":\"ping\",\"id\":\"p\"}").getString("type")).isEqualTo("pong");
  }

  @Test
  void aPathWatchGetsItsSnapshotThenEveryChange() {
    hello();
    data.write(ANY, Path.parse("/a"), Value.ofJson("1"));
    JsonObject snap = send("{\"type\":\"watch\",\"id\":1,\"kind\":\"path\",\"path\":\"/a\"}");
    assertThat(snap.getJsonArray("entries").getJsonObject(0).getInt("value")).isEqualTo(1);
    String v2 = data.write(ANY, Path.parse("/a"), Value.ofJson("2")).toString();
    JsonObject ch = last();
    assertThat(ch.getString("type")).isEqualTo("changes");
    JsonObject b = ch.getJsonArray("batches").getJsonObject(0);
    assertThat(b.getString("version")).isEqualTo(v2);
    assertThat(b.getJsonArray("changes").getJsonObject(0).getInt("value")).isEqualTo(2);
    data.write(ANY, Path.parse("/other"), Value.ofJson("3"));
    assertThat(last()).isEqualTo(ch); // outside the scope: nothing sent

    conn.onText("{\"type\":\"unwatch\",\"id\":1}");
    assertThat(hub.watchCount()).isZero();
    data.write(ANY, Path.parse("/a"), Value.ofJson("4"));
    assertThat(last()).isEqualTo(ch);
    assertThat(send("{\"type\":\"unwatch\",\"id\":1}").getString("code")).isEqualTo("NOT_FOUND");
  }

  @Test
  void historyModeSendsEveryWriteAboveSinceThenEachNewOne() {
    hello();
    String v1 = data.write(ANY, Path.parse("/h"), Value.ofJson("1")).toString();
    String v2 = data.write(ANY, Path.parse("/h"), Value.ofJson("2")).toString();
    data.write(ANY, Path.parse("/h"), Value.ABSENT);
    JsonObject snap =
        send(
            "{\"type\":\"watch\",\"id\":1,\"kind\":\"path\",\"path\":\"/h\",\"mode\":\"history\",\"since\":\""
                + v1
                + "\"}");
    var entries = snap.getJsonArray("entries");
    assertThat(entries).hasSize(2);
    assertThat(entries.getJsonObject(0).getString("version")).isEqualTo(v2);
    assertThat(entries.getJsonObject(0).getInt("value")).isEqualTo(2);
    assertThat(entries.getJsonObject(1).containsKey("value")).as("the delete").isFalse();
    String v4 = data.write(ANY, Path.parse("/h"), Value.ofJson("4")).toString();
    JsonObject ch = last();
    assertThat(ch.getString("type")).isEqualTo("changes");
    assertThat(ch.getJsonArray("batches").getJsonObject(0).getString("version")).isEqualTo(v4);
    JsonObject all =
        send(
            "{\"type\":\"watch\",\"id\":2,\"kind\":\"path\",\"path\":\"/h\",\"mode\":\"history\"}");
    assertThat(all.getJsonArray("entries")).hasSize(4);
  }

  @Test
  void resumeSendsAPathOnlyWhenNewerThanSince() {
    hello();
    String v = data.write(ANY, Path.parse("/r"), Value.ofJson("1")).toString();
    JsonObject same =
        send(
            "{\"type\":\"watch\",\"id\":1,\"kind\":\"path\",\"path\":\"/r\",\"since\":\""
                + v
                + "\"}");
    assertThat(same.getBoolean("full")).isFalse();
    assertThat(same.getJsonArray("entries")).isEmpty();
    data.write(ANY, Path.parse("/r"), Value.ofJson("2"));
    JsonObject newer =
        send(
            "{\"type\":\"watch\",\"id\":2,\"kind\":\"path\",\"path\":\"/r\",\"since\":\""
                + v
                + "\"}");
    assertThat(newer.getJsonArray("entries").getJsonObject(0).getInt("value")).isEqualTo(2);
  }

  @Test
  void childrenAndSubtreeWatches() {
    hello();
    data.write(ANY, Path.parse("/c/x"), Value.ofJson("1"));
    data.write(ANY, Path.parse("/c/y/deep"), Value.ofJson("2"));
    JsonObject kids = send("{\"type\":\"watch\",\"id\":1,\"kind\":\"children\",\"path\":\"/c\"}");
    assertThat(kids.getJsonArray("entries")).hasSize(2);
    JsonObject tree = send("{\"type\":\"watch\",\"id\":2,\"kind\":\"subtree\",\"path\":\"/c\"}");
    assertThat(tree.getJsonArray("entries")).hasSize(2);
    int before = socket.sent.size();
    data.write(ANY, Path.parse("/c/z/deep"), Value.ofJson("3"));
    List<String> frames = List.copyOf(socket.sent).subList(before, socket.sent.size());
    assertThat(frames).hasSize(2);
    assertThat(String.join("\n", frames)).contains("\"op\":\"keyAdded\",\"path\":\"/c/z\"");
    assertThat(String.join("\n", frames)).contains("\"path\":\"/c/z/deep\",\"value\":3");
  }

  @Test
  void commitsAreJudgedLikeRestTransactions() {
    hello();
    String v1 = data.write(ANY, Path.parse("/t/a"), Value.ofJson("1")).toString();
    JsonObject ok =
        send(
            "{\"type\":\"commit\",\"id\":1,\"reads\":[{\"path\":\"/t/a\",\"version\":\""
                + v1
                + "\"}],\"writes\":[{\"path\":\"/t/a\",\"value\":2}]}");
    assertThat(ok.getString("status")).isEqualTo("valid");
    JsonObject stale =
        send(
            "{\"type\":\"commit\",\"id\":2,\"reads\":[{\"path\":\"/t/a\",\"version\":\""
                + v1
                + "\"}],\"writes\":[{\"path\":\"/t/b\",\"value\":2}]}");
    assertThat(stale.getString("status")).isEqualTo("rejected");
    assertThat(stale.getJsonObject("conflict").getString("path")).isEqualTo("/t/a");
    assertThat(stale.getJsonObject("conflict").getString("version"))
        .isEqualTo(ok.getString("version"));
    assertThat(data.read(ANY, Path.parse("/t/b")).exists()).isFalse();
  }

  @Test
  void everyBadInputIsAnErrorWithItsCodeAndTheConnectionStaysUsable() {
    hello();
    assertThat(send("{oops").getString("code")).isEqualTo("BAD_REQUEST");
    assertThat(send("{\"type\":\"nope\",\"id\":5}").getInt("id")).isEqualTo(5);
    assertThat(send("{\"type\":\"read\",\"id\":1,\"path\":\"/a/../b\"}").getString("code"))
        .isEqualTo("PATH_INVALID");
    assertThat(send("{\"type\":\"read\",\"id\":1,\"path\":\"/.sys/x\"}").getString("code"))
        .isEqualTo("PATH_INVALID");
    assertThat(
            send("{\"type\":\"watch\",\"id\":1,\"kind\":\"path\",\"path\":\"/a\",\"since\":\"x\"}")
                .getString("code"))
        .isEqualTo("VERSION_INVALID");
    assertThat(
            send("{\"type\":\"watch\",\"id\":1,\"kind\":\"children\",\"path\":\"/a\",\"mode\":\"history\"}")
                .getString("code"))
        .isEqualTo(WireCodes.NOT_SUPPORTED);
    String big = "\"" + "x".repeat(2000) + "\"";
    assertThat(
            send("{\"type\":\"commit\",\"id\":1,\"writes\":[{\"path\":\"/a\",\"value\":"
                    + big
                    + "}]}")
                .getString("code"))
        .isEqualTo("VALUE_TOO_LARGE");
    for (int i = 1; i <= 3; i++) {
      send("{\"type\":\"watch\",\"id\":" + i + ",\"kind\":\"path\",\"path\":\"/w" + i + "\"}");
    }
    assertThat(
            send("{\"type\":\"watch\",\"id\":1,\"kind\":\"path\",\"path\":\"/w\"}")
                .getString("code"))
        .isEqualTo("BAD_REQUEST");
    assertThat(
            send("{\"type\":\"watch\",\"id\":9,\"kind\":\"path\",\"path\":\"/w\"}")
                .getString("code"))
        .isEqualTo("LIMIT_EXCEEDED");
    assertThat(send("{\"type\":\"ping\",\"id\":2}").getString("type")).isEqualTo("pong");
  }

  @Test
  void aFloodIsRefusedAndAnOversizeFrameCloses() {
    hello();
    int refused = 0;
    for (int i = 0; i < 200; i++) {
      JsonObject o = send("{\"type\":\"ping\",\"id\":" + i + "}");
      if (o.getString("type").equals("error")) {
        assertThat(o.getString("code")).isEqualTo("LIMIT_EXCEEDED");
        assertThat(o.getInt("id")).isEqualTo(i);
        refused++;
      }
    }
    assertThat(refused).isGreaterThan(100);
    conn.onText("\"" + "y".repeat(5000) + "\"");
    assertThat(socket.closedWith).isEqualTo(1009);
  }

  @Test
  void closingLeavesNoWatch() {
    hello();
    send("{\"type\":\"watch\",\"id\":1,\"kind\":\"path\",\"path\":\"/a\"}");
    send("{\"type\":\"watch\",\"id\":2,\"kind\":\"children\",\"path\":\"/\"}");
    send("{\"type\":\"watch\",\"id\":3,\"kind\":\"subtree\",\"path\":\"/a\",\"mode\":\"once\"}");
    assertThat(hub.watchCount()).isEqualTo(2);
    conn.close();
    assertThat(hub.watchCount()).isZero();
    assertThat(conn.watchCount()).isZero();
  }

  private List<JsonObject> messages(String frame) {
    jakarta.json.JsonValue v = Json.createReader(new StringReader(frame)).readValue();
    if (v instanceof jakarta.json.JsonArray a) {
      return a.getValuesAs(JsonObject.class);
    }
    return List.of(v.asJsonObject());
  }

  @Test
  void anArrayFrameIsHandledInOrderAndABadElementGetsItsOwnError() {
    hello(); // no batching asked: every answer is a frame of its own
    int before = answers().size();
    conn.onText(
        "[{\"type\":\"commit\",\"id\":1,\"writes\":[{\"path\":\"/b/x\",\"value\":1}]},"
            + "{\"type\":\"read\",\"id\":2,\"path\":\"/b/x\"},"
            + "{\"type\":\"teleport\",\"id\":3},"
            + "7,"
            + "{\"type\":\"ping\",\"id\":4}]");
    List<List<JsonObject>> frames = answers().subList(before, answers().size());
    assertThat(frames).hasSize(5);
    assertThat(frames.get(0).get(0).getString("status")).isEqualTo("valid");
    JsonObject read = frames.get(1).get(0);
    assertThat(read.getJsonArray("entries").getJsonObject(0).getInt("value")).isEqualTo(1);
    JsonObject bad = frames.get(2).get(0);
    assertThat(bad.getString("code")).isEqualTo("BAD_REQUEST");
    assertThat(bad.getInt("id")).isEqualTo(3);
    JsonObject notObject = frames.get(3).get(0);
    assertThat(notObject.getString("code")).isEqualTo("BAD_REQUEST");
    assertThat(notObject.containsKey("id")).isFalse();
    assertThat(frames.get(4).get(0).getString("type")).isEqualTo("pong");
  }

  @Test
  void withBatchingTheAnswersToOneFrameLeaveAsOneArrayFrame() {
    JsonObject w = send("{\"type\":\"hello\",\"protocol\":\"v1\",\"batching\":true}");
    assertThat(w.getBoolean("batching")).isTrue();
    assertThat(w.getJsonObject("limits").getInt("maxBatch")).isEqualTo(1000);
    send("{\"type\":\"watch\",\"id\":\"w\",\"kind\":\"path\",\"path\":\"/c/x\"}");
    JsonObject only = send("{\"type\":\"ping\",\"id\":1}"); // one message: no array
    assertThat(only.getString("type")).isEqualTo("pong");
    int before = answers().size();
    conn.onText(
        "[{\"type\":\"commit\",\"id\":1,\"writes\":[{\"path\":\"/c/x\",\"value\":1}]},"
            + "{\"type\":\"ping\",\"id\":2}]");
    assertThat(answers()).hasSize(before + 1);
    List<JsonObject> m = answers().get(before);
    assertThat(m).extracting(o -> o.getString("type")).containsExactly("changes", "result", "pong");
  }

  @Test
  void anArrayFrameOverTheCapOrEmptyIsOneBadRequest() {
    hello();
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i <= 1000; i++) {
      b.append(i == 0 ? "" : ",").append("{}");
    }
    String tooMany = b.append(']').toString();
    for (String frame : List.of(tooMany, "[]")) {
      JsonObject e = send(frame);
      assertThat(e.getString("code")).isEqualTo("BAD_REQUEST");
      assertThat(e.getString("message")).contains("1 to 1000");
    }
  }

  @Test
  void eachElementOfAnArrayFrameCountsForTheRateLimit() {
    hello();
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < 120; i++) {
      b.append(i == 0 ? "" : ",").append("{\"type\":\"ping\",\"id\":").append(i).append('}');
    }
    int before = socket.sent.size();
    conn.onText(b.append(']').toString());
    List<String> frames = List.copyOf(socket.sent).subList(before, socket.sent.size());
    assertThat(frames).hasSize(120);
    long refused =
        frames.stream()
            .map(f -> messages(f).get(0))
            .filter(o -> o.getString("type").equals("error"))
            .peek(o -> assertThat(o.getString("code")).isEqualTo("LIMIT_EXCEEDED"))
            .count();
    assertThat(refused).isGreaterThanOrEqualTo(60);
  }

  @Test
  void aLockMayNameAnEarlierCommitAndFollowsItsFate() {
    hello();
    // A burst of three commits, each building on the last, sent without waiting.
    JsonObject r1 =
        send("{\"type\":\"commit\",\"id\":1,\"writes\":[{\"path\":\"/d/a\",\"value\":1}]}");
    JsonObject r2 =
        send(
            "{\"type\":\"commit\",\"id\":\"two\",\"reads\":[{\"path\":\"/d/a\",\"commit\":1}],"
                + "\"childReads\":[{\"path\":\"/d\",\"commit\":1}],"
                + "\"writes\":[{\"path\":\"/d/a\",\"value\":2}]}");
    JsonObject r3 =
        send(
            "{\"type\":\"commit\",\"id\":3,\"reads\":[{\"path\":\"/d/a\",\"commit\":\"two\"}],"
                + "\"writes\":[{\"path\":\"/d/a\",\"value\":3}]}");
    assertThat(List.of(r1, r2, r3))
        .allSatisfy(r -> assertThat(r.getString("status")).isEqualTo("valid"));
    assertThat(data.read(ANY, Path.parse("/d/a")).value()).isEqualTo(Value.ofJson("3"));

    // 4 reads a stale version: rejected. 5 builds on 4 and 6 on 5: rejected too, naming 4.
    String stale = r1.getString("version");
    JsonObject r4 =
        send(
            "{\"type\":\"commit\",\"id\":4,\"reads\":[{\"path\":\"/d/a\",\"version\":\""
                + stale
                + "\"}],\"writes\":[{\"path\":\"/d/a\",\"value\":40},{\"path\":\"/d/b\",\"value\":41}]}");
    assertThat(r4.getString("status")).isEqualTo("rejected");
    JsonObject r5 =
        send(
            "{\"type\":\"commit\",\"id\":5,\"reads\":[{\"path\":\"/d/b\",\"commit\":4}],"
                + "\"writes\":[{\"path\":\"/d/c\",\"value\":50}]}");
    JsonObject r6 =
        send(
            "{\"type\":\"commit\",\"id\":6,\"childReads\":[{\"path\":\"/d\",\"commit\":5}],"
                + "\"writes\":[{\"path\":\"/d/e\",\"value\":60}]}");
    assertThat(r5.getString("status")).isEqualTo("rejected");
    assertThat(r5.getJsonObject("conflict").getString("path")).isEqualTo("/d/b");
    assertThat(r5.getJsonObject("conflict").getInt("commit")).isEqualTo(4);
    assertThat(r5.getJsonObject("conflict").containsKey("version")).isFalse();
    assertThat(r6.getString("status")).isEqualTo("rejected");
    assertThat(r6.getJsonObject("conflict").getInt("commit")).isEqualTo(5);
    assertThat(r6.getJsonObject("conflict").getBoolean("children")).isTrue();
    assertThat(r6.getJsonObject("conflict").getString("reason")).contains("commit 4");
    for (String p : List.of("/d/b", "/d/c", "/d/e")) {
      assertThat(data.read(ANY, Path.parse(p)).version().isZero())
          .as(p + " never written")
          .isTrue();
    }
    assertThat(data.read(ANY, Path.parse("/d/a")).value()).isEqualTo(Value.ofJson("3"));

    // A commit refused with an error counts as rejected for those that build on it.
    assertThat(
            send("{\"type\":\"commit\",\"id\":7,\"writes\":[{\"path\":\"/.sys/x\",\"value\":1}]}")
                .getString("code"))
        .isEqualTo("PATH_INVALID");
    JsonObject r8 =
        send(
            "{\"type\":\"commit\",\"id\":8,\"reads\":[{\"path\":\"/d/a\",\"commit\":7}],"
                + "\"writes\":[{\"path\":\"/d/f\",\"value\":1}]}");
    assertThat(r8.getString("status")).isEqualTo("rejected");
    assertThat(r8.getJsonObject("conflict").getString("reason")).contains("refused");
  }

  @Test
  void aLockNamingAnUnknownCommitOrAPathItDidNotWriteIsRefused() {
    hello();
    send("{\"type\":\"commit\",\"id\":1,\"writes\":[{\"path\":\"/d/a\",\"value\":1}]}");
    JsonObject unknown =
        send(
            "{\"type\":\"commit\",\"id\":2,\"reads\":[{\"path\":\"/d/a\",\"commit\":99}],"
                + "\"writes\":[{\"path\":\"/d/a\",\"value\":2}]}");
    assertThat(unknown.getString("code")).isEqualTo(WireCodes.NOT_FOUND);
    assertThat(unknown.getInt("id")).isEqualTo(2);
    JsonObject notWritten =
        send(
            "{\"type\":\"commit\",\"id\":3,\"reads\":[{\"path\":\"/d/z\",\"commit\":1}],"
                + "\"writes\":[{\"path\":\"/d/a\",\"value\":2}]}");
    assertThat(notWritten.getString("code")).isEqualTo(WireCodes.BAD_REQUEST);
    assertThat(notWritten.getString("path")).isEqualTo("/d/z");
    JsonObject both =
        send(
            "{\"type\":\"commit\",\"id\":4,\"reads\":[{\"path\":\"/d/a\",\"commit\":1,\"version\":\"0\"}],"
                + "\"writes\":[{\"path\":\"/d/a\",\"value\":2}]}");
    assertThat(both.getString("code")).isEqualTo(WireCodes.BAD_REQUEST);
    assertThat(data.read(ANY, Path.parse("/d/a")).value()).isEqualTo(Value.ofJson("1"));
  }

  private static String commit(Object id, String extra, String path, int value) {
    return "{\"type\":\"commit\",\"id\":"
        + id
        + extra
        + ",\"writes\":[{\"path\":\""
        + path
        + "\",\"value\":"
        + value
        + "}]}";
  }

  private JsonObject noticeOf(int id) {
    return notices().stream().filter(n -> n.getInt("id") == id).findFirst().orElse(null);
  }

  private int indexOf(String type, int id) {
    List<JsonObject> all = everything();
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).getString("type").equals(type) && all.get(i).getInt("id", -1) == id) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void aValidResultComesAtOnceAndItsDurableNoticeOnceTheLogHasSynced() throws Exception {
    hello();
    HeldSync log = holdTheLog(false);
    JsonObject r1 = send(commit(1, "", "/n/a", 1));
    assertThat(r1.getString("status")).isEqualTo("valid");
    log.awaitReached();

    // Asked to wait for the log: no answer yet, and later requests are answered meanwhile, also
    // one that builds on it.
    int before = answers().size();
    conn.onText(commit(2, ",\"durable\":true", "/n/b", 2));
    assertThat(answers()).as("no result before the log syncs").hasSize(before);
    JsonObject r3 =
        send(
            "{\"type\":\"commit\",\"id\":3,\"reads\":[{\"path\":\"/n/b\",\"commit\":2}],"
                + "\"writes\":[{\"path\":\"/n/c\",\"value\":3}]}");
    assertThat(r3.getString("status")).isEqualTo("valid");
    assertThat(send("{\"type\":\"ping\",\"id\":4}").getString("type")).isEqualTo("pong");
    // A commit without writes that waits: answered once all it could have read is durable.
    conn.onText("{\"type\":\"commit\",\"id\":7,\"durable\":true}");
    assertThat(indexOf("result", 7)).isNegative();
    assertThat(notices()).as("nothing is durable yet").isEmpty();

    log.release.countDown();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> notices().size() == 2 && indexOf("result", 2) >= 0 && indexOf("result", 7) >= 0);
    assertThat(noticeOf(7)).isNull();
    assertThat(noticeOf(1).getString("type")).isEqualTo("durable");
    assertThat(noticeOf(1).getString("version")).isEqualTo(r1.getString("version"));
    assertThat(noticeOf(3).getString("version")).isEqualTo(r3.getString("version"));
    assertThat(noticeOf(2)).as("a result that waited says durable by itself").isNull();
    assertThat(indexOf("result", 1)).isLessThan(indexOf("durable", 1));
    assertThat(indexOf("result", 3)).isLessThan(indexOf("durable", 3));
    JsonObject r2 = everything().get(indexOf("result", 2));
    assertThat(r2.getString("status")).isEqualTo("valid");
    assertThat(data.read(ANY, Path.parse("/n/b")).version().toString())
        .isEqualTo(r2.getString("version"));

    // A rejected commit stored nothing: no notice. One that writes nothing is durable once what
    // it read is: here at once, the log has synced everything.
    JsonObject stale =
        send(
            "{\"type\":\"commit\",\"id\":5,\"reads\":[{\"path\":\"/n/a\",\"version\":\"0\"}],"
                + "\"writes\":[{\"path\":\"/n/a\",\"value\":5}]}");
    assertThat(stale.getString("status")).isEqualTo("rejected");
    JsonObject audit =
        send(
            "{\"type\":\"commit\",\"id\":6,\"reads\":[{\"path\":\"/n/a\",\"version\":\""
                + r1.getString("version")
                + "\"}]}");
    assertThat(audit.getString("status")).isEqualTo("valid");
    assertThat(noticeOf(5)).isNull();
    assertThat(noticeOf(6)).as("sent with its result").isNotNull();
  }

  @Test
  void whenTheLogFailsAValidCommitGetsNotDurableAndOneThatWaitedAnError() throws Exception {
    hello();
    HeldSync log = holdTheLog(true);
    JsonObject r1 = send(commit(1, "", "/f/a", 1));
    log.awaitReached();
    int before = answers().size();
    conn.onText(commit(2, ",\"durable\":true", "/f/b", 2));
    assertThat(answers()).hasSize(before);
    log.release.countDown();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> notices().size() == 1 && answers().size() == before + 1);
    JsonObject lost = noticeOf(1);
    assertThat(lost.getString("type")).isEqualTo("notDurable");
    assertThat(lost.getString("code")).isEqualTo("UNAVAILABLE");
    assertThat(lost.getString("version")).isEqualTo(r1.getString("version"));
    assertThat(lost.getString("message")).contains("write-ahead log failed");
    JsonObject refused = last();
    assertThat(refused.getString("type")).isEqualTo("error");
    assertThat(refused.getInt("id")).isEqualTo(2);
    assertThat(refused.getString("code")).isEqualTo("UNAVAILABLE");
    assertThat(refused.getString("message")).contains("was applied");
    // The failed log takes nothing more: refused at once, nothing applied.
    JsonObject r3 = send(commit(3, "", "/f/c", 3));
    assertThat(r3.getString("code")).isEqualTo("UNAVAILABLE");
    assertThat(data.read(ANY, Path.parse("/f/c")).exists()).isFalse();
  }

  private static CallOutcome ok(String callId, Version v) {
    return new CallOutcome(callId, "f", CallOutcome.Status.OK, "1", v, null, null, List.of(), 1);
  }

  @Test
  void anOkCallIsAnsweredWhenAppliedThenItsNoticeFollowsOrOnceDurableWhenAsked() {
    Map<String, CompletableFuture<CallAnswer>> running = new ConcurrentHashMap<>();
    conn =
        new Connection(
            "s2",
            data,
            () -> hub,
            sync,
            socket,
            Runnable::run,
            (fn, callId, args, caller) ->
                running.computeIfAbsent(callId, k -> new CompletableFuture<>()));
    hello();
    for (int i = 1; i <= 5; i++) {
      conn.onText(
          "{\"type\":\"call\",\"id\":"
              + i
              + ",\"function\":\"f\",\"callId\":\"c"
              + i
              + "\""
              + (i % 2 == 0 ? ",\"durable\":true" : "")
              + "}");
    }
    int before = answers().size();
    Version v = Version.of(1_764_072_000_000L, 0, 1);
    List<CompletableFuture<Void>> durable = new ArrayList<>();
    for (int i = 0; i <= 5; i++) {
      durable.add(new CompletableFuture<>());
    }

    running.get("c1").complete(new CallAnswer(ok("c1", v), durable.get(1)));
    assertThat(last().getString("type")).isEqualTo("callResult");
    assertThat(last().getInt("id")).isEqualTo(1);
    running.get("c2").complete(new CallAnswer(ok("c2", v), durable.get(2)));
    assertThat(answers()).as("call 2 waits for the log").hasSize(before + 1);
    assertThat(notices()).isEmpty();

    durable.get(1).complete(null);
    assertThat(noticeOf(1).getString("type")).isEqualTo("durable");
    assertThat(noticeOf(1).getString("version")).isEqualTo(v.toString());
    durable.get(2).complete(null);
    assertThat(last().getInt("id")).isEqualTo(2);
    assertThat(last().getString("status")).isEqualTo("ok");
    assertThat(noticeOf(2)).isNull();

    running.get("c3").complete(new CallAnswer(ok("c3", v), durable.get(3)));
    running.get("c4").complete(new CallAnswer(ok("c4", v), durable.get(4)));
    durable.get(3).completeExceptionally(new IllegalStateException("disk gone"));
    durable.get(4).completeExceptionally(new IllegalStateException("disk gone"));
    assertThat(noticeOf(3).getString("type")).isEqualTo("notDurable");
    assertThat(noticeOf(3).getString("code")).isEqualTo("UNAVAILABLE");
    assertThat(noticeOf(3).getString("message")).contains("call c3").contains("disk gone");
    JsonObject r4 = last();
    assertThat(r4.getInt("id")).isEqualTo(4);
    assertThat(r4.getString("status")).isEqualTo("failed");
    assertThat(r4.getJsonObject("error").getString("code")).isEqualTo("UNAVAILABLE");

    CallOutcome failed =
        new CallOutcome(
            "c5",
            "f",
            CallOutcome.Status.FAILED,
            null,
            null,
            ErrorCode.FUNCTION_ERROR,
            "no",
            List.of(),
            1);
    running.get("c5").complete(new CallAnswer(failed, durable.get(5)));
    assertThat(last().getInt("id")).isEqualTo(5);
    assertThat(last().getString("status")).isEqualTo("failed");
    assertThat(noticeOf(5)).as("nothing of a failed call was applied: no notice").isNull();
  }
}
