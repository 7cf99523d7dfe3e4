package io.querysub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.querysub.websocket.client.CommitResult;
import io.querysub.websocket.client.SyncClient;
import io.querysub.websocket.client.SyncException;
import io.querysub.websocket.client.Tx;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The demo's rules ({@code web/src/dev/rules.json}) against every identity, operation and path of a
 * generated matrix, each outcome compared with what the rules say, worked out here by hand ({@link
 * #mayRead}, {@link #mayWrite}) rather than by the node's rule engine. Operations: REST read, REST
 * write, REST transaction locking the path, WebSocket read, path watch and commit, and whether a
 * REST children listing of the parent shows the key. Prints {@code cases, unexpected_allow,
 * unexpected_deny}; both must be 0.
 */
@ExtendWith(ArquillianExtension.class)
class PermissionMatrixIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Deployment(testable = false)
  static WebArchive deployment() {
    return Node.war();
  }

  @ArquillianResource URL base;

  @AfterAll
  static void openRules() throws IOException {
    RulesFile.restoreOpen();
  }

  /** Who asks: a name (null: anonymous) and roles. */
  private record Who(String name, String... roles) {
    boolean anonymous() {
      return name == null;
    }

    boolean admin() {
      return Set.of(roles).contains("admin");
    }

    @Override
    public String toString() {
      return anonymous() ? "anonymous" : name;
    }
  }

  private static final List<Who> WHO =
      List.of(
          new Who(null),
          new Who("alice"),
          new Who("bob"),
          new Who("carol", "admin"),
          new Who("dave"),
          new Who("anonymous-ish"));

  /** Team membership as the set-up stores it. */
  private static final Map<String, Set<String>> TEAMS =
      Map.of("t1", Set.of("alice", "dave"), "t2", Set.of("bob"));

  private static final List<String> PATHS =
      List.of(
          "/demo/boards/b1/cards/c1/text",
          "/demo/boards/b1/title",
          "/demo/private/alice/n1",
          "/demo/private/bob/n1",
          "/demo/private/alice/deep/n2",
          "/demo/teams/t1/members/alice",
          "/demo/teams/t2/members/bob",
          "/demo/teams/t1/notes/n1",
          "/demo/teams/t2/notes/n1",
          "/demo/teams/t1/other",
          "/users/alice/name",
          "/users/alice/private/phone",
          "/users/bob/name",
          "/users/dave/private/phone",
          "/bank/accounts/alice",
          "/bank/accounts/bob",
          "/other/x",
          "/demo/x");

  private static final Pattern PRIVATE = Pattern.compile("/demo/private/([^/]+)(/.*)?");
  private static final Pattern MEMBER = Pattern.compile("/demo/teams/([^/]+)/members/([^/]+)");
  private static final Pattern NOTE = Pattern.compile("/demo/teams/([^/]+)/notes/[^/]+");
  private static final Pattern USER = Pattern.compile("/users/([^/]+)(/.*)?");
  private static final Pattern USER_PRIVATE = Pattern.compile("/users/([^/]+)/private(/.*)?");
  private static final Pattern ACCOUNT = Pattern.compile("/bank/accounts/([^/]+)");

  /** What the demo's rules say about reading {@code path}, worked out by hand. */
  static boolean mayRead(Who w, String path) {
    Matcher m;
    if (path.startsWith("/demo/boards/") && path.split("/").length > 3) {
      return true;
    }
    if ((m = PRIVATE.matcher(path)).matches()) {
      return m.group(1).equals(w.name);
    }
    if ((m = MEMBER.matcher(path)).matches()) {
      return member(w, m.group(1)) || w.admin();
    }
    if ((m = NOTE.matcher(path)).matches()) {
      return member(w, m.group(1));
    }
    if ((m = USER_PRIVATE.matcher(path)).matches()) {
      return m.group(1).equals(w.name);
    }
    if (USER.matcher(path).matches()) {
      return true;
    }
    return ACCOUNT.matcher(path).matches();
  }

  /** What the demo's rules say about {@code w} writing {@code {"author": w}} at {@code path}. */
  static boolean mayWrite(Who w, String path) {
    Matcher m;
    if (path.startsWith("/demo/boards/") && path.split("/").length > 3) {
      return !w.anonymous();
    }
    if ((m = PRIVATE.matcher(path)).matches()) {
      return m.group(1).equals(w.name);
    }
    if (MEMBER.matcher(path).matches()) {
      return w.admin();
    }
    if ((m = NOTE.matcher(path)).matches()) {
      return member(w, m.group(1)); // the value's author is the writer
    }
    if ((m = USER_PRIVATE.matcher(path)).matches() || (m = USER.matcher(path)).matches()) {
      return m.group(1).equals(w.name);
    }
    if ((m = ACCOUNT.matcher(path)).matches()) {
      return m.group(1).equals(w.name);
    }
    return false;
  }

  private static boolean member(Who w, String team) {
    return !w.anonymous() && TEAMS.getOrDefault(team, Set.of()).contains(w.name);
  }

  private final Map<Who, String> tokens = new LinkedHashMap<>();
  private final List<String> unexpected = new ArrayList<>();
  private int cases;
  private int unexpectedAllow;
  private int unexpectedDeny;

  private String token(Who w) {
    if (w.anonymous()) {
      return null;
    }
    return tokens.computeIfAbsent(
        w,
        k -> {
          StringBuilder roles = new StringBuilder();
          for (String r : k.roles) {
            roles.append(roles.length() == 0 ? "" : ",").append('"').append(r).append('"');
          }
          Api.Reply r =
              new Api(base)
                  .send(
                      "POST",
                      "api/v1/auth/dev-sign-in",
                      "{\"name\":\"" + k.name + "\",\"roles\":[" + roles + "]}");
          assertThat(r.status()).as(r.toString()).isEqualTo(200);
          return r.json().getString("token");
        });
  }

  private void check(String op, Who w, String path, boolean expected, boolean allowed) {
    cases++;
    if (allowed && !expected) {
      unexpectedAllow++;
      unexpected.add("allowed: " + op + " by " + w + " on " + path);
    } else if (!allowed && expected) {
      unexpectedDeny++;
      unexpected.add("denied: " + op + " by " + w + " on " + path);
    }
  }

  /** Allowed unless refused with PERMISSION_DENIED; any other refusal fails the test. */
  private static boolean allowed(Api.Reply r, String what) {
    if (r.status() == 403) {
      assertThat(r.code()).as(what).isEqualTo("PERMISSION_DENIED");
      return false;
    }
    assertThat(r.status()).as(what + ": " + r).isIn(200, 404, 409);
    return true;
  }

  private static boolean allowed(Throwable e, String what) {
    Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    if (c instanceof SyncException s && "PERMISSION_DENIED".equals(s.code())) {
      return false;
    }
    throw new AssertionError(what + ": unexpected " + c, c);
  }

  private static String author(Who w) {
    return "{\"author\":\"" + w + "\"}";
  }

  @Test
  void everyIdentityOperationAndPathIsDecidedAsTheDemoRulesSay() throws Exception {
    RulesFile.install(base, Files.readString(RulesFile.DEMO));
    Who carol = WHO.get(3);
    // Set-up through the rules themselves: the admin stores the teams, each owner its data.
    Api admin = new Api(base, token(carol));
    for (Map.Entry<String, Set<String>> t : TEAMS.entrySet()) {
      for (String m : t.getValue()) {
        assertThat(admin.put("/demo/teams/" + t.getKey() + "/members/" + m, "true").status())
            .isEqualTo(200);
      }
    }
    Set<String> stored = new java.util.HashSet<>();
    for (Who w : WHO) {
      for (String p : PATHS) {
        if (mayWrite(w, p) && stored.add(p)) {
          assertThat(new Api(base, token(w)).put(p, author(w)).status()).isEqualTo(200);
        }
      }
    }
    // Reads first (REST, WebSocket, watches, listings, locks), then writes: no write below changes
    // a membership, so the expectations hold throughout.
    for (Who w : WHO) {
      Api api = new Api(base, token(w));
      try (SyncClient ws = SyncClient.connect(Sync.uri(base), "matrix", token(w), WAIT)) {
        for (String p : PATHS) {
          boolean read = mayRead(w, p);
          check("REST read", w, p, read, allowed(api.get(p), p));
          boolean wsRead;
          try {
            ws.read(p).get(20, TimeUnit.SECONDS);
            wsRead = true;
          } catch (ExecutionException e) {
            wsRead = allowed(e, "ws read " + p);
          }
          check("WS read", w, p, read, wsRead);
          Sync.Recorder r = new Sync.Recorder();
          var watch = ws.watch(p, r);
          await().atMost(WAIT).until(() -> !r.snapshots.isEmpty() || !r.errors.isEmpty());
          if (!r.errors.isEmpty()) {
            assertThat(r.errors.get(0).code()).isEqualTo("PERMISSION_DENIED");
          } else {
            watch.close();
          }
          check("WS watch", w, p, read, r.errors.isEmpty());
          String parent = p.substring(0, p.lastIndexOf('/'));
          String key = p.substring(p.lastIndexOf('/') + 1);
          Api.Reply list = api.children(parent + "?limit=50");
          boolean listed =
              list.status() == 200
                  && list.json().getJsonArray("children").getValuesAs(JsonObject.class).stream()
                      .anyMatch(c -> c.getString("key").equals(key));
          if (stored.contains(p)) { // a key that exists: listed exactly when readable
            check("REST children listing", w, p, read, listed);
          }
          String version = "0";
          Api.Reply lock =
              api.tx(
                  "{\"reads\":[{\"path\":\""
                      + p
                      + "\",\"version\":\""
                      + version
                      + "\"}],\"writes\":[]}");
          check("REST tx lock", w, p, read, allowed(lock, "tx lock " + p));
        }
      }
    }
    for (Who w : WHO) {
      Api api = new Api(base, token(w));
      try (SyncClient ws = SyncClient.connect(Sync.uri(base), "matrix", token(w), WAIT)) {
        for (String p : PATHS) {
          boolean write = mayWrite(w, p);
          check("REST write", w, p, write, allowed(api.put(p, author(w)), "put " + p));
          boolean wsWrite;
          try {
            CommitResult r =
                ws.commit(
                        Tx.create()
                            .set(p, Json.createObjectBuilder().add("author", w.toString()).build()))
                    .get(20, TimeUnit.SECONDS);
            assertThat(r.valid()).as("commit " + p).isTrue();
            wsWrite = true;
          } catch (ExecutionException e) {
            wsWrite = allowed(e, "ws commit " + p);
          }
          check("WS commit", w, p, write, wsWrite);
        }
      }
    }
    System.out.printf(
        "permission matrix: cases=%d, unexpected_allow=%d (must be 0), unexpected_deny=%d (must be"
            + " 0), identities=%d, paths=%d%n",
        cases, unexpectedAllow, unexpectedDeny, WHO.size(), PATHS.size());
    unexpected.forEach(u -> System.out.println("  " + u));
    assertThat(unexpected).isEmpty();
    assertThat(cases).isGreaterThan(WHO.size() * PATHS.size() * 6);
  }
}
