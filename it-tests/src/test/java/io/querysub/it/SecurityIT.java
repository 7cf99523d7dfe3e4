package io.querysub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.querysub.core.auth.DevTokens;
import io.querysub.websocket.client.CallResult;
import io.querysub.websocket.client.CommitResult;
import io.querysub.websocket.client.SyncClient;
import io.querysub.websocket.client.SyncException;
import io.querysub.websocket.client.Tx;
import io.querysub.websocket.protocol.WatchKind;
import io.querysub.websocket.protocol.WatchMode;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Identity and permissions on a real node, over REST and WebSocket, with the rules of {@code
 * security-rules.json} (put in force through the node's rules file, which it reloads): tokens
 * refused for every reason, a replayed signed-out token, per-user data, a chat whose membership
 * decides who reads, watches on parents of denied paths, a transaction reading a denied path, a
 * function writing outside its caller's rights, call records, and rules changing under an open
 * watch. The node's rules file is put back to the open rules afterwards.
 */
@ExtendWith(ArquillianExtension.class)
class SecurityIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Path RULES = RulesFile.FILE;
  private static final Path DATA = Path.of(System.getProperty("querysub.it.dataDir"));

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Node.war();
  }

  @ArquillianResource URL base;

  @BeforeEach
  void securityRules() throws IOException {
    RulesFile.install(base, RulesFile.resource("/security-rules.json"));
  }

  @AfterAll
  static void openRules() throws IOException {
    RulesFile.restoreOpen();
  }

  /** A development token for {@code name}, from the node's sign-in endpoint. */
  private String token(String name, String... roles) {
    StringBuilder body = new StringBuilder("{\"name\":\"" + name + "\",\"roles\":[");
    for (int i = 0; i < roles.length; i++) {
      body.append(i == 0 ? "" : ",").append('"').append(roles[i]).append('"');
    }
    Api.Reply r = new Api(base).send("POST", "api/v1/auth/dev-sign-in", body + "]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().getString("token");
  }

  private Api as(String token) {
    return new Api(base, token);
  }

  private SyncClient connect(String token) {
    return SyncClient.connect(Sync.uri(base), "sec", token, WAIT);
  }

  private static String serverCode(Throwable t) {
    Throwable c = t;
    while (c != null && !(c instanceof SyncException)) {
      c = c.getCause();
    }
    assertThat(c).as("a server refusal").isNotNull();
    return ((SyncException) c).error().code();
  }

  private HttpResponse<String> getWithAuthorization(String header) throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(base + "api/v1/data/sec/users/alice/a"))
            .header("Authorization", header)
            .build();
    return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void tokensAreRefusedForEveryReasonOnRestAndWebSocket() throws Exception {
    String good = token("alice");
    DevTokens nodeKey = DevTokens.open(DATA, Duration.ofMinutes(5)); // the node's own key
    String expired = nodeKey.issue("alice", List.of(), Duration.ofMinutes(-5)).token();
    String foreign =
        DevTokens.open(Files.createTempDirectory("foreign-key"), Duration.ofMinutes(5))
            .issue("alice", List.of())
            .token();
    String[] parts = good.split("\\.");
    String payload =
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
            .replace("\"alice\"", "\"bob\"");
    String forged =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    assertThat(as(good).put("/sec/users/alice/a", "1").status()).isEqualTo(200);
    for (String bad :
        new String[] {expired, foreign, forged, "garbage", parts[0] + "." + parts[1]}) {
      Api.Reply r = as(bad).get("/sec/users/alice/a");
      assertThat(r.status()).as(r.toString()).isEqualTo(401);
      assertThat(r.code()).isEqualTo("UNAUTHENTICATED");
      assertThatThrownBy(() -> connect(bad))
          .satisfies(e -> assertThat(serverCode(e)).isEqualTo("UNAUTHENTICATED"));
    }
    assertThat(as(expired).get("/sec/users/alice/a").json().getString("message"))
        .contains("expired");
    HttpResponse<String> basic = getWithAuthorization("Basic YWxpY2U6c2VjcmV0");
    assertThat(basic.statusCode()).isEqualTo(401);
    assertThat(basic.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    // No token at all: anonymous here (querysub.auth.anonymous=true), and the rules deny it.
    assertThat(new Api(base).get("/sec/users/alice/a").status()).isEqualTo(403);
    try (SyncClient anon = connect(null)) {
      assertThat(anon.caller().getBoolean("anonymous")).isTrue();
      assertThatThrownBy(() -> anon.read("/sec/users/alice/a").get(20, TimeUnit.SECONDS))
          .satisfies(e -> assertThat(serverCode(e)).isEqualTo("PERMISSION_DENIED"));
    }
  }

  @Test
  void aSignedOutTokenIsRefusedWhenReplayedAndItsConnectionsClose() throws Exception {
    String t = token("carol");
    try (SyncClient open = connect(t)) {
      assertThat(open.caller().getString("id")).isEqualTo("carol");
      assertThat(as(t).send("POST", "api/v1/auth/sign-out", null).status()).isEqualTo(204);
      Api.Reply replay = as(t).get("/sec/users/carol/a");
      assertThat(replay.status()).isEqualTo(401);
      assertThat(replay.json().getString("message")).contains("signed out");
      assertThatThrownBy(() -> connect(t))
          .satisfies(e -> assertThat(serverCode(e)).isEqualTo("UNAUTHENTICATED"));
      // The connection that used it is told and closed within about a second.
      assertThat(open.closed().get(10, TimeUnit.SECONDS).getCloseCode().getCode()).isEqualTo(4003);
    }
  }

  @Test
  void aConnectionWhoseTokenExpiresIsToldAndClosedUnlessAFreshOneCame() throws Exception {
    token("erin"); // the node's signing key exists from here on
    DevTokens nodeKey = DevTokens.open(DATA, Duration.ofMinutes(5));
    // The test node allows no clock skew (mp.jwt.verify.clock.skew=0).
    String shortLived = nodeKey.issue("erin", List.of(), Duration.ofSeconds(3)).token();
    try (SyncClient expiring = connect(shortLived);
        SyncClient refreshed =
            connect(nodeKey.issue("erin", List.of(), Duration.ofSeconds(3)).token())) {
      JsonObject ok = refreshed.auth(token("erin")).get(20, TimeUnit.SECONDS);
      assertThat(ok.getString("type")).isEqualTo("authenticated");
      assertThatThrownBy(() -> refreshed.auth(token("frank")).get(20, TimeUnit.SECONDS))
          .satisfies(e -> assertThat(serverCode(e)).isEqualTo("BAD_REQUEST"));
      assertThat(expiring.closed().get(15, TimeUnit.SECONDS).getCloseCode().getCode())
          .isEqualTo(4003);
      // The refreshed connection outlived its first token.
      assertThat(refreshed.closed().isDone()).isFalse();
      refreshed.ping().get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void callersReadAndWriteOnlyWhatTheRulesAllow() throws Exception {
    Api alice = as(token("alice"));
    Api bob = as(token("bob"));
    assertThat(alice.put("/sec/users/alice/notes", "\"mine\"").status()).isEqualTo(200);
    assertThat(bob.get("/sec/users/alice/notes").status()).isEqualTo(403);
    Api.Reply denied = bob.put("/sec/users/alice/notes", "\"bob was here\"");
    assertThat(denied.status()).isEqualTo(403);
    assertThat(denied.code()).isEqualTo("PERMISSION_DENIED");
    assertThat(alice.get("/sec/users/alice/notes").json().getString("value")).isEqualTo("mine");
    // The profile rule is more specific: any signed-in caller reads it, only its owner writes.
    alice.put("/sec/users/alice/profile", "{\"name\":\"Alice\"}");
    assertThat(bob.get("/sec/users/alice/profile").status()).isEqualTo(200);
    assertThat(new Api(base).get("/sec/users/alice/profile").status()).isEqualTo(403);
    // Encoded and dotted spellings reach the same rule or are refused before any rule.
    assertThat(alice.get("/sec/users/%61lice/notes").status()).isEqualTo(200);
    assertThat(bob.get("/sec/users/%61lice/notes").status()).isEqualTo(403);
    assertThat(bob.get("/sec/users/bob/..%2F..%2Falice/notes").status()).isIn(403, 404);
    assertThat(bob.get("/sec/users/bob/%2e%2e/alice/notes").code()).isEqualTo("PATH_INVALID");
    // Nothing matches /sec/other: no rule, no access, even for an admin.
    assertThat(as(token("root", "admin")).put("/sec/other", "1").status()).isEqualTo(403);
    assertThat(as(token("root", "admin")).put("/sec/public/news", "1").status()).isEqualTo(200);
    assertThat(bob.put("/sec/public/news", "2").status()).isEqualTo(403);
    assertThat(bob.get("/sec/public/news").json().getInt("value")).isEqualTo(1);
  }

  @Test
  void aTransactionReadingADeniedPathIsRefusedWhole() throws Exception {
    String alice = token("alice");
    as(alice).put("/sec/users/alice/secret", "42");
    try (SyncClient bob = connect(token("bob"))) {
      String v = as(alice).get("/sec/users/alice/secret").version();
      assertThatThrownBy(
              () ->
                  bob.commit(
                          Tx.create()
                              .read("/sec/users/alice/secret", v)
                              .set("/sec/users/bob/copy", 1))
                      .get(20, TimeUnit.SECONDS))
          .satisfies(e -> assertThat(serverCode(e)).isEqualTo("PERMISSION_DENIED"));
      assertThat(as(token("bob")).get("/sec/users/bob/copy").status()).isEqualTo(404);
    }
  }

  /** Alice owns room r1 and its membership; messages are for members. */
  private void room(Api alice, String room) {
    assertThat(alice.put("/sec/rooms/" + room + "/owner", "\"alice\"").status()).isEqualTo(200);
    assertThat(alice.put("/sec/rooms/" + room + "/members/alice", "true").status()).isEqualTo(200);
  }

  @Test
  void watchesOnAParentOfDeniedPathsCarryOnlyWhatTheCallerMayRead() throws Exception {
    Api alice = as(token("alice"));
    room(alice, "r1");
    alice.put("/sec/rooms/r1/messages/m1", "{\"author\":\"alice\",\"text\":\"before bob\"}");
    try (SyncClient bob = connect(token("bob"))) {
      Sync.Recorder tree = new Sync.Recorder();
      bob.watch(WatchKind.SUBTREE, "/sec/rooms/r1", WatchMode.LATEST, null, tree);
      Sync.Recorder kids = new Sync.Recorder();
      bob.watch(WatchKind.CHILDREN, "/sec/rooms/r1/messages", WatchMode.LATEST, null, kids);
      await().atMost(WAIT).until(() -> tree.snapshots.size() == 1 && kids.snapshots.size() == 1);
      // Not a member: only the owner (any signed-in caller reads it) is in the snapshot.
      assertThat(tree.snapshots.get(0).entries())
          .extracting(e -> e.path())
          .containsExactly("/sec/rooms/r1/owner");
      assertThat(kids.snapshots.get(0).entries()).isEmpty();
      alice.put("/sec/rooms/r1/messages/m2", "{\"author\":\"alice\",\"text\":\"still not\"}");
      // alice adds bob: the membership is his to read, and messages from now on reach him.
      alice.put("/sec/rooms/r1/members/bob", "true");
      alice.put("/sec/rooms/r1/messages/m3", "{\"author\":\"alice\",\"text\":\"hi bob\"}");
      await()
          .atMost(WAIT)
          .until(() -> tree.batches.toString().contains("hi bob") && !kids.batches.isEmpty());
      // Joining started both watches over: the messages from before are in their new snapshots.
      await().atMost(WAIT).until(() -> tree.snapshots.size() == 2 && kids.snapshots.size() == 2);
      assertThat(tree.snapshots.get(1).entries().toString())
          .contains("before bob")
          .contains("still not");
      assertThat(kids.snapshots.get(1).entries())
          .extracting(e -> e.path())
          .contains("/sec/rooms/r1/messages/m1", "/sec/rooms/r1/messages/m2");
      // bob, a member, writes as himself only.
      CommitResult own =
          bob.commit(
                  Tx.create()
                      .set(
                          "/sec/rooms/r1/messages/b1",
                          Json.createObjectBuilder().add("author", "bob").build()))
              .get(20, TimeUnit.SECONDS);
      assertThat(own.valid()).isTrue();
      assertThatThrownBy(
              () ->
                  bob.commit(
                          Tx.create()
                              .set(
                                  "/sec/rooms/r1/messages/b2",
                                  Json.createObjectBuilder().add("author", "alice").build()))
                      .get(20, TimeUnit.SECONDS))
          .satisfies(e -> assertThat(serverCode(e)).isEqualTo("PERMISSION_DENIED"));
      // A path watch on a message ends once alice removes bob.
      Sync.Recorder one = new Sync.Recorder();
      bob.watch("/sec/rooms/r1/messages/m3", one);
      await().atMost(WAIT).until(() -> one.snapshots.size() == 1);
      alice.delete("/sec/rooms/r1/members/bob");
      alice.put("/sec/rooms/r1/messages/m3", "{\"author\":\"alice\",\"text\":\"bob is gone\"}");
      await().atMost(WAIT).until(() -> !one.errors.isEmpty());
      assertThat(one.errors.get(0).code()).isEqualTo("PERMISSION_DENIED");
      // Leaving started the subtree watch over once more, without the messages.
      await().atMost(WAIT).until(() -> tree.snapshots.size() == 3);
      assertThat(tree.snapshots.get(2).entries())
          .extracting(e -> e.path())
          .containsExactly("/sec/rooms/r1/owner");
      Thread.sleep(300); // anything that would still come, comes now
      assertThat(tree.batches.toString() + one.batches + kids.batches)
          .doesNotContain("bob is gone");
    }
  }

  @Test
  void aFunctionWritingOutsideItsCallersRightsIsRefusedAndAppliesNothing() throws Exception {
    String aliceToken = token("alice");
    Api alice = as(aliceToken);
    Api bob = as(token("bob"));
    assertThat(alice.put("/bank/accounts/alice", "100").status()).isEqualTo(200);
    assertThat(bob.put("/bank/accounts/bob", "0").status()).isEqualTo(200);
    assertThat(bob.put("/bank/accounts/alice", "1000").status()).isEqualTo(403);
    String args = "{\"from\":\"alice\",\"to\":\"bob\",\"amount\":10}";
    // Running as alice, bank.transfer may not write bob's account: refused, nothing applied.
    Api.Reply call =
        alice.send(
            "POST", "api/v1/calls/bank.transfer", "{\"callId\":\"sec-t1\",\"args\":" + args + "}");
    assertThat(call.status()).as(call.toString()).isEqualTo(403);
    assertThat(call.json().getString("code")).isEqualTo("PERMISSION_DENIED");
    assertThat(alice.get("/bank/accounts/alice").json().getInt("value")).isEqualTo(100);
    assertThat(bob.get("/bank/accounts/bob").json().getInt("value")).isZero();
    // The function rule: bob may not move alice's money, nor may anonymous callers.
    Api.Reply theft =
        bob.send(
            "POST", "api/v1/calls/bank.transfer", "{\"callId\":\"sec-t2\",\"args\":" + args + "}");
    assertThat(theft.status()).isEqualTo(403);
    try (SyncClient anon = connect(null)) {
      CallResult r =
          anon.call(
                  "bank.transfer",
                  "sec-t3",
                  Json.createReader(new java.io.StringReader(args)).readObject())
              .get(20, TimeUnit.SECONDS);
      assertThat(r.code()).isEqualTo("PERMISSION_DENIED");
    }
    // Call records: the caller's own only; another caller cannot take over its id.
    Api.Reply record = alice.send("GET", "api/v1/data/.calls/sec-t1", null);
    assertThat(record.status()).as(record.toString()).isEqualTo(200);
    assertThat(record.json().getJsonObject("value").getString("caller")).isEqualTo("alice");
    assertThat(bob.send("GET", "api/v1/data/.calls/sec-t1", null).status()).isEqualTo(403);
    Api.Reply takeover =
        bob.send(
            "POST",
            "api/v1/calls/bank.transfer",
            "{\"callId\":\"sec-t1\",\"args\":{\"from\":\"bob\",\"to\":\"alice\",\"amount\":0}}");
    assertThat(takeover.status()).isEqualTo(403);
    assertThat(takeover.json().getString("message")).contains("another caller");
  }

  @Test
  void rulesChangingWhileAWatchIsOpenEndTheWatchTheyNoLongerAllow() throws Exception {
    Api root = as(token("root", "admin"));
    root.put("/sec/public/board", "1");
    try (SyncClient dave = connect(token("dave"))) {
      Sync.Recorder w = new Sync.Recorder();
      dave.watch("/sec/public/board", w);
      await().atMost(WAIT).until(() -> w.snapshots.size() == 1);
      String closed =
          Files.readString(RULES)
              .replace(
                  "{\"path\": \"/sec/public/**\", \"read\": true,",
                  "{\"path\": \"/sec/public/**\", \"read\": \"hasRole('admin')\",");
      assertThat(closed).contains("hasRole('admin')\",");
      RulesFile.install(base, closed);
      assertThat(as(token("dave")).get("/sec/public/board").status()).isEqualTo(403);
      root.put("/sec/public/board", "2");
      await().atMost(WAIT).until(() -> !w.errors.isEmpty());
      assertThat(w.errors.get(0).code()).isEqualTo("PERMISSION_DENIED");
      assertThat(w.batches).isEmpty();
    }
  }

  @Test
  void aBadRulesFileIsRefusedWholeAndTheRulesInForceStay() throws Exception {
    Path tmp = RULES.resolveSibling("bad.tmp");
    Files.writeString(tmp, "{\"rules\":[{\"path\":\"/**\",\"read\":\"caller.id ==\"}]}");
    Files.move(tmp, RULES, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Api api = new Api(base);
    await()
        .atMost(WAIT)
        .until(
            () -> {
              Api.Reply h = api.send("GET", api.server().resolve("health/ready"), null);
              return h.text().contains("column 13");
            });
    Api.Reply health = api.send("GET", api.server().resolve("health/ready"), null);
    assertThat(health.status()).isEqualTo(200); // the rules before stay in force: still ready
    assertThat(health.text()).contains("rule 1 (/**): read: column 13");
    assertThat(new Api(base).get("/sec/probe").status()).isEqualTo(403); // still the old rules
    JsonObject me = as(token("erin")).send("GET", "api/v1/auth/me", null).json();
    assertThat(me.getString("caller")).isEqualTo("erin");
  }
}
