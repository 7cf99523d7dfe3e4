package io.querysub.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.querysub.config.NodeSettings;
import io.querysub.config.SettingsReader;
import io.querysub.core.auth.Caller;
import io.querysub.core.data.DataService;
import io.querysub.core.node.NodeEngine;
import io.querysub.core.perm.Permissions;
import io.querysub.core.perm.RuleSet;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.Value;
import io.querysub.engine.watch.WatchHub;
import io.querysub.websocket.SyncSettings;
import io.querysub.websocket.protocol.WireCodes;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A connection's identity (hello, auth, expiry) and what its watches may see. */
class ConnectionPermissionsTest {
  private static final String RULES =
      """
      {"rules": [
        {"path": "/users/{uid}/**", "read": "uid == caller.id", "write": "uid == caller.id"},
        {"path": "/rooms/{room}/members/{m}", "read": true, "write": true},
        {"path": "/rooms/{room}/messages/*",
         "read": "exists('/rooms/{room}/members/{caller.id}')", "write": true}
      ]}
      """;

  @TempDir java.nio.file.Path dir;
  private DataService data;
  private WatchHub hub;
  private SyncSettings sync;
  private Permissions permissions;
  private final AtomicLong expiresAt = new AtomicLong(Long.MAX_VALUE);

  /** Tokens are "name" or "name:expired"; "bad" is refused; null is refused too. */
  private final Gate gate =
      new Gate() {
        @Override
        public Caller authenticate(String token) {
          if (token == null || token.equals("bad")) {
            throw new QuerysubException(ErrorCode.UNAUTHENTICATED, "refused: " + token);
          }
          return new Caller(token, Set.of(), expiresAt.get(), null);
        }

        @Override
        public boolean stillValid(Caller caller, long nowMillis) {
          return nowMillis <= caller.expiresAtMillis();
        }
      };

  @BeforeEach
  void open() {
    NodeSettings node =
        SettingsReader.read(
            k ->
                Optional.ofNullable(
                    Map.of(SettingsReader.DATA_DIR, dir.resolve("data").toString()).get(k)));
    NodeEngine engine = NodeEngine.standalone(node);
    permissions = Permissions.of(RuleSet.parse(RULES, "t"));
    data = new DataService(engine, node, permissions);
    hub = new WatchHub(engine.store());
    sync = SyncSettings.read(k -> Optional.empty(), node.maxRequestBytes());
  }

  private final class Client {
    final OutboundTest.FakeTransport socket = new OutboundTest.FakeTransport();
    final Connection conn =
        new Connection("s", data, () -> hub, sync, socket, Runnable::run, null, null, gate);

    List<JsonObject> messages() {
      List<JsonObject> out = new ArrayList<>();
      for (String f : socket.sent) {
        JsonValue v = Json.createReader(new StringReader(f)).readValue();
        if (v instanceof JsonArray a) {
          a.forEach(m -> out.add(m.asJsonObject()));
        } else {
          out.add(v.asJsonObject());
        }
      }
      return out;
    }

    JsonObject last() {
      List<JsonObject> m = messages();
      return m.get(m.size() - 1);
    }

    JsonObject hello(String token) {
      conn.onText(
          "{\"type\":\"hello\",\"protocol\":\"v1\""
              + (token == null ? "" : ",\"token\":\"" + token + "\"")
              + "}");
      return last();
    }

    JsonObject send(String frame) {
      conn.onText(frame);
      return last();
    }
  }

  private void put(String path, String json) {
    data.write(Caller.SYSTEM, Path.parse(path), Value.ofJson(json));
  }

  @Test
  void aHelloWithoutAnAcceptableTokenIsToldWhyAndClosed() {
    for (String token : new String[] {null, "bad"}) {
      Client c = new Client();
      JsonObject e = c.hello(token);
      assertThat(e.getString("type")).isEqualTo("error");
      assertThat(e.getString("code")).isEqualTo(WireCodes.UNAUTHENTICATED);
      assertThat(c.socket.closedWith).isEqualTo(WireCodes.CLOSE_UNAUTHENTICATED);
      // Nothing more is answered: the connection is over.
      int before = c.socket.sent.size();
      c.conn.onText("{\"type\":\"read\",\"id\":1,\"path\":\"/users/x/a\"}");
      assertThat(c.socket.sent).hasSize(before);
    }
  }

  @Test
  void theWelcomeNamesTheCallerAndAuthKeepsIt() {
    Client c = new Client();
    JsonObject w = c.hello("alice");
    assertThat(w.getJsonObject("caller").getString("id")).isEqualTo("alice");
    JsonObject ok = c.send("{\"type\":\"auth\",\"id\":1,\"token\":\"alice\"}");
    assertThat(ok.getString("type")).isEqualTo("authenticated");
    JsonObject other = c.send("{\"type\":\"auth\",\"id\":2,\"token\":\"bob\"}");
    assertThat(other.getString("code")).isEqualTo(WireCodes.BAD_REQUEST);
    JsonObject bad = c.send("{\"type\":\"auth\",\"id\":3,\"token\":\"bad\"}");
    assertThat(bad.getString("code")).isEqualTo(WireCodes.UNAUTHENTICATED);
    assertThat(c.socket.closedWith).isZero(); // a refused refresh keeps the connection
  }

  @Test
  void aConnectionWhoseTokenEndedIsToldAndClosed() {
    expiresAt.set(System.currentTimeMillis() + 60_000);
    Client c = new Client();
    c.hello("alice");
    c.send("{\"type\":\"watch\",\"id\":1,\"kind\":\"path\",\"path\":\"/users/alice/a\"}");
    assertThat(c.conn.closeIfTokenEnded(System.currentTimeMillis())).isFalse();
    assertThat(c.conn.closeIfTokenEnded(System.currentTimeMillis() + 61_000)).isTrue();
    assertThat(c.last().getString("code")).isEqualTo(WireCodes.UNAUTHENTICATED);
    assertThat(c.socket.closedWith).isEqualTo(WireCodes.CLOSE_UNAUTHENTICATED);
    assertThat(c.conn.watchCount()).isZero();
  }

  @Test
  void readsAndPathWatchesOfDeniedPathsAreRefused() {
    put("/users/alice/a", "1");
    Client bob = new Client();
    bob.hello("bob");
    assertThat(
            bob.send("{\"type\":\"read\",\"id\":1,\"path\":\"/users/alice/a\"}").getString("code"))
        .isEqualTo(WireCodes.PERMISSION_DENIED);
    assertThat(
            bob.send("{\"type\":\"watch\",\"id\":2,\"kind\":\"path\",\"path\":\"/users/alice/a\"}")
                .getString("code"))
        .isEqualTo(WireCodes.PERMISSION_DENIED);
    assertThat(bob.conn.watchCount()).isZero();
    // A transaction that locks a path it may not read is refused whole.
    JsonObject r =
        bob.send(
            "{\"type\":\"commit\",\"id\":3,\"reads\":[{\"path\":\"/users/alice/a\",\"version\":\"0\"}],"
                + "\"writes\":[{\"path\":\"/users/bob/x\",\"value\":1}]}");
    assertThat(r.getString("code")).isEqualTo(WireCodes.PERMISSION_DENIED);
    assertThat(data.read(Caller.SYSTEM, Path.parse("/users/bob/x")).exists()).isFalse();
  }

  @Test
  void childrenAndSubtreeWatchesCarryOnlyWhatTheCallerMayRead() {
    put("/users/alice/a", "1");
    put("/users/bob/a", "2");
    Client bob = new Client();
    bob.hello("bob");
    JsonObject kids =
        bob.send("{\"type\":\"watch\",\"id\":1,\"kind\":\"children\",\"path\":\"/users\"}");
    assertThat(kids.toString()).contains("\"/users/bob\"").doesNotContain("alice");
    JsonObject tree =
        bob.send("{\"type\":\"watch\",\"id\":2,\"kind\":\"subtree\",\"path\":\"/users\"}");
    assertThat(tree.toString()).contains("/users/bob/a").doesNotContain("alice");
    int before = bob.messages().size();
    put("/users/carol/a", "3"); // a new key bob may not read: nothing reaches him
    put("/users/alice/b", "4");
    put("/users/bob/b", "5");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> bob.messages().stream().anyMatch(m -> m.toString().contains("/users/bob/b")));
    String after = bob.messages().subList(before, bob.messages().size()).toString();
    assertThat(after).doesNotContain("carol").doesNotContain("alice");
  }

  @Test
  void aChildrenWatchStartsOverWhenTheDataItsRulesReadChanges() {
    put("/rooms/r/messages/m1", "\"before bob joined\"");
    Client bob = new Client();
    bob.hello("bob");
    JsonObject first =
        bob.send(
            "{\"type\":\"watch\",\"id\":1,\"kind\":\"subtree\",\"path\":\"/rooms/r/messages\"}");
    assertThat(first.getString("type")).isEqualTo("snapshot");
    assertThat(first.getJsonArray("entries")).isEmpty();
    // bob becomes a member: the watch starts over, and the message from before shows.
    put("/rooms/r/members/bob", "true");
    await().atMost(Duration.ofSeconds(10)).until(() -> snapshots(bob).size() == 2);
    JsonObject second = snapshots(bob).get(1);
    assertThat(second.getBoolean("full")).isTrue();
    assertThat(second.toString()).contains("before bob joined");
    put("/rooms/r/messages/m2", "\"hi bob\"");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> bob.messages().toString().contains("hi bob"));
    // bob leaves: it starts over again, empty, and nothing after reaches him.
    data.write(Caller.SYSTEM, Path.parse("/rooms/r/members/bob"), Value.ABSENT);
    await().atMost(Duration.ofSeconds(10)).until(() -> snapshots(bob).size() == 3);
    assertThat(snapshots(bob).get(2).getJsonArray("entries")).isEmpty();
    put("/rooms/r/messages/m3", "\"after bob left\"");
    put("/rooms/r/members/carol", "true"); // data bob's rules do not read for him: no restart
    assertThat(bob.conn.watchCount()).isEqualTo(1);
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    assertThat(bob.messages().toString()).doesNotContain("after bob left");
    assertThat(snapshots(bob)).hasSize(3);
  }

  private static List<JsonObject> snapshots(Client c) {
    return c.messages().stream().filter(m -> m.getString("type").equals("snapshot")).toList();
  }

  @Test
  void aPathWatchEndsWhenTheDataItsRuleReadsTakesTheRightAway() {
    put("/rooms/r/members/bob", "true");
    put("/rooms/r/messages/m", "1");
    Client bob = new Client();
    bob.hello("bob");
    bob.send("{\"type\":\"watch\",\"id\":1,\"kind\":\"path\",\"path\":\"/rooms/r/messages/m\"}");
    put("/rooms/r/messages/m", "2");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> bob.messages().stream().anyMatch(m -> m.getString("type").equals("changes")));
    data.write(Caller.SYSTEM, Path.parse("/rooms/r/members/bob"), Value.ABSENT);
    put("/rooms/r/messages/m", "3");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> bob.last().getString("type").equals("error"));
    assertThat(bob.last().getString("code")).isEqualTo(WireCodes.PERMISSION_DENIED);
    assertThat(bob.last().getInt("id")).isEqualTo(1);
    assertThat(bob.conn.watchCount()).isZero();
    assertThat(bob.messages().toString()).doesNotContain("\"value\":3");
  }

  @Test
  void aReloadThatTakesTheRightAwayEndsAnOpenWatch() {
    put("/users/bob/a", "1");
    Client bob = new Client();
    bob.hello("bob");
    bob.send("{\"type\":\"watch\",\"id\":1,\"kind\":\"path\",\"path\":\"/users/bob/a\"}");
    permissions.use(
        RuleSet.parse("{\"rules\":[{\"path\":\"/users/{uid}/**\",\"write\":true}]}", "t2"));
    put("/users/bob/a", "2");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> bob.last().getString("type").equals("error"));
    assertThat(bob.last().getString("code")).isEqualTo(WireCodes.PERMISSION_DENIED);
    assertThat(bob.conn.watchCount()).isZero();
  }
}
