package io.querysub.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.querysub.config.NodeSettings;
import io.querysub.config.SettingsReader;
import io.querysub.core.data.DataService;
import io.querysub.core.node.NodeEngine;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.Value;
import io.querysub.engine.watch.WatchHub;
import io.querysub.websocket.SyncSettings;
import io.querysub.websocket.protocol.WireCodes;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A connection driven frame by frame against a real store, with a socket that records frames. */
class ConnectionTest {
  @TempDir java.nio.file.Path dir;

  private DataService data;
  private WatchHub hub;
  private OutboundTest.FakeTransport socket;
  private Connection conn;

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
    SyncSettings sync =
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

  private JsonObject send(String frame) {
    int before = socket.sent.size();
    conn.onText(frame);
    assertThat(socket.sent).as("one answer to " + frame).hasSize(before + 1);
    return last();
  }

  private JsonObject last() {
    return Json.createReader(new StringReader(socket.sent.get(socket.sent.size() - 1)))
        .readObject();
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
    data.write(Path.parse("/a"), Value.ofJson("1"));
    JsonObject snap = send("{\"type\":\"watch\",\"id\":1,\"kind\":\"path\",\"path\":\"/a\"}");
    assertThat(snap.getJsonArray("entries").getJsonObject(0).getInt("value")).isEqualTo(1);
    String v2 = data.write(Path.parse("/a"), Value.ofJson("2")).toString();
    JsonObject ch = last();
    assertThat(ch.getString("type")).isEqualTo("changes");
    JsonObject b = ch.getJsonArray("batches").getJsonObject(0);
    assertThat(b.getString("version")).isEqualTo(v2);
    assertThat(b.getJsonArray("changes").getJsonObject(0).getInt("value")).isEqualTo(2);
    data.write(Path.parse("/other"), Value.ofJson("3"));
    assertThat(last()).isEqualTo(ch); // outside the scope: nothing sent

    conn.onText("{\"type\":\"unwatch\",\"id\":1}");
    assertThat(hub.watchCount()).isZero();
    data.write(Path.parse("/a"), Value.ofJson("4"));
    assertThat(last()).isEqualTo(ch);
    assertThat(send("{\"type\":\"unwatch\",\"id\":1}").getString("code")).isEqualTo("NOT_FOUND");
  }

  @Test
  void historyModeSendsEveryWriteAboveSinceThenEachNewOne() {
    hello();
    String v1 = data.write(Path.parse("/h"), Value.ofJson("1")).toString();
    String v2 = data.write(Path.parse("/h"), Value.ofJson("2")).toString();
    data.write(Path.parse("/h"), Value.ABSENT);
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
    String v4 = data.write(Path.parse("/h"), Value.ofJson("4")).toString();
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
    String v = data.write(Path.parse("/r"), Value.ofJson("1")).toString();
    JsonObject same =
        send(
            "{\"type\":\"watch\",\"id\":1,\"kind\":\"path\",\"path\":\"/r\",\"since\":\""
                + v
                + "\"}");
    assertThat(same.getBoolean("full")).isFalse();
    assertThat(same.getJsonArray("entries")).isEmpty();
    data.write(Path.parse("/r"), Value.ofJson("2"));
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
    data.write(Path.parse("/c/x"), Value.ofJson("1"));
    data.write(Path.parse("/c/y/deep"), Value.ofJson("2"));
    JsonObject kids = send("{\"type\":\"watch\",\"id\":1,\"kind\":\"children\",\"path\":\"/c\"}");
    assertThat(kids.getJsonArray("entries")).hasSize(2);
    JsonObject tree = send("{\"type\":\"watch\",\"id\":2,\"kind\":\"subtree\",\"path\":\"/c\"}");
    assertThat(tree.getJsonArray("entries")).hasSize(2);
    int before = socket.sent.size();
    data.write(Path.parse("/c/z/deep"), Value.ofJson("3"));
    List<String> frames = socket.sent.subList(before, socket.sent.size());
    assertThat(frames).hasSize(2);
    assertThat(String.join("\n", frames)).contains("\"op\":\"keyAdded\",\"path\":\"/c/z\"");
    assertThat(String.join("\n", frames)).contains("\"path\":\"/c/z/deep\",\"value\":3");
  }

  @Test
  void commitsAreJudgedLikeRestTransactions() {
    hello();
    String v1 = data.write(Path.parse("/t/a"), Value.ofJson("1")).toString();
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
    assertThat(data.read(Path.parse("/t/b")).exists()).isFalse();
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
    int before = socket.sent.size();
    conn.onText(
        "[{\"type\":\"commit\",\"id\":1,\"writes\":[{\"path\":\"/b/x\",\"value\":1}]},"
            + "{\"type\":\"read\",\"id\":2,\"path\":\"/b/x\"},"
            + "{\"type\":\"teleport\",\"id\":3},"
            + "7,"
            + "{\"type\":\"ping\",\"id\":4}]");
    List<String> frames = socket.sent.subList(before, socket.sent.size());
    assertThat(frames).hasSize(5);
    assertThat(messages(frames.get(0)).get(0).getString("status")).isEqualTo("valid");
    JsonObject read = messages(frames.get(1)).get(0);
    assertThat(read.getJsonArray("entries").getJsonObject(0).getInt("value")).isEqualTo(1);
    JsonObject bad = messages(frames.get(2)).get(0);
    assertThat(bad.getString("code")).isEqualTo("BAD_REQUEST");
    assertThat(bad.getInt("id")).isEqualTo(3);
    JsonObject notObject = messages(frames.get(3)).get(0);
    assertThat(notObject.getString("code")).isEqualTo("BAD_REQUEST");
    assertThat(notObject.containsKey("id")).isFalse();
    assertThat(messages(frames.get(4)).get(0).getString("type")).isEqualTo("pong");
  }

  @Test
  void withBatchingTheAnswersToOneFrameLeaveAsOneArrayFrame() {
    JsonObject w = send("{\"type\":\"hello\",\"protocol\":\"v1\",\"batching\":true}");
    assertThat(w.getBoolean("batching")).isTrue();
    assertThat(w.getJsonObject("limits").getInt("maxBatch")).isEqualTo(1000);
    send("{\"type\":\"watch\",\"id\":\"w\",\"kind\":\"path\",\"path\":\"/c/x\"}");
    JsonObject only = send("{\"type\":\"ping\",\"id\":1}"); // one message: no array
    assertThat(only.getString("type")).isEqualTo("pong");
    int before = socket.sent.size();
    conn.onText(
        "[{\"type\":\"commit\",\"id\":1,\"writes\":[{\"path\":\"/c/x\",\"value\":1}]},"
            + "{\"type\":\"ping\",\"id\":2}]");
    assertThat(socket.sent).hasSize(before + 1);
    List<JsonObject> m = messages(socket.sent.get(before));
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
    List<String> frames = socket.sent.subList(before, socket.sent.size());
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
    assertThat(data.read(Path.parse("/d/a")).value()).isEqualTo(Value.ofJson("3"));

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
      assertThat(data.read(Path.parse(p)).version().isZero()).as(p + " never written").isTrue();
    }
    assertThat(data.read(Path.parse("/d/a")).value()).isEqualTo(Value.ofJson("3"));

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
    assertThat(data.read(Path.parse("/d/a")).value()).isEqualTo(Value.ofJson("1"));
  }
}
