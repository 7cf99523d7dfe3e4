package io.querysub.core.perm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.querysub.core.auth.Caller;
import io.querysub.engine.path.Path;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RuleSetTest {
  private static final String RULES =
      """
      {
        "rules": [
          {"path": "/users/{uid}/**", "read": "uid == caller.id", "write": "uid == caller.id"},
          {"path": "/users/{uid}/profile", "read": "!caller.anonymous", "write": "uid == caller.id"},
          {"path": "/rooms/{room}/**",
           "read": "exists('/rooms/{room}/members/{caller.id}')",
           "write": "data('/rooms/{room}/owner') == caller.id"},
          {"path": "/rooms/{room}/messages/*",
           "read": "exists('/rooms/{room}/members/{caller.id}')",
           "write": "exists('/rooms/{room}/members/{caller.id}') && value.author == caller.id"},
          {"path": "/public/**", "read": true, "write": "hasRole('admin')"},
          {"path": "/public/notes", "read": "true"}
        ],
        "functions": [
          {"function": "board.*", "call": "!caller.anonymous"},
          {"function": "board.delete", "call": "hasRole('admin')"},
          {"function": "bank.transfer", "call": "args.from == caller.id"}
        ]
      }
      """;

  private final RuleSet rules = RuleSet.parse(RULES, "test");
  private final Map<Path, JsonValue> data = new HashMap<>();
  private final List<Path> reads = new ArrayList<>();
  private final DataAccess access =
      p -> {
        reads.add(p);
        return data.get(p);
      };

  private static Caller user(String id, String... roles) {
    return new Caller(id, Set.of(roles), Long.MAX_VALUE, null);
  }

  private boolean read(Caller c, String path) {
    return rules.canRead(c, Path.parse(path), access);
  }

  private boolean write(Caller c, String path, String json) {
    JsonValue v =
        json == null ? null : Json.createReader(new java.io.StringReader(json)).readValue();
    return rules.canWrite(c, Path.parse(path), () -> v, access);
  }

  @Test
  void capturesAreComparedWithTheCaller() {
    Caller alice = user("alice");
    assertThat(read(alice, "/users/alice/settings/theme")).isTrue();
    assertThat(read(alice, "/users/bob/settings/theme")).isFalse();
    assertThat(write(alice, "/users/alice/x", "1")).isTrue();
    assertThat(write(alice, "/users/bob/x", "1")).isFalse();
    assertThat(read(Caller.anonymous(), "/users/anonymous/x")).isTrue();
  }

  @Test
  void theMostSpecificRuleDecides() {
    Caller alice = user("alice");
    // /users/{uid}/profile is more specific than /users/{uid}/**: anyone signed in reads it.
    assertThat(read(alice, "/users/bob/profile")).isTrue();
    assertThat(read(Caller.anonymous(), "/users/bob/profile")).isFalse();
    assertThat(write(alice, "/users/bob/profile", "{}")).isFalse();
    // ** matches nothing after /users/{uid}: the user's own root.
    assertThat(read(alice, "/users/alice")).isTrue();
    // /public/notes has no write condition: denied even for admins, though /public/** allows.
    assertThat(write(user("root", "admin"), "/public/notes", "1")).isFalse();
    assertThat(write(user("root", "admin"), "/public/other", "1")).isTrue();
    assertThat(write(alice, "/public/other", "1")).isFalse();
  }

  @Test
  void noMatchingRuleDenies() {
    assertThat(read(user("root", "admin"), "/secret/x")).isFalse();
    assertThat(write(user("root", "admin"), "/secret/x", "1")).isFalse();
    assertThat(read(user("alice"), "/users")).isFalse(); // /users/{uid}/** needs a segment
  }

  @Test
  void conditionsReadDataThroughTheAccessGiven() {
    Caller alice = user("alice");
    assertThat(read(alice, "/rooms/r1/messages/m1")).isFalse();
    assertThat(reads).containsExactly(Path.parse("/rooms/r1/members/alice"));
    data.put(Path.parse("/rooms/r1/members/alice"), JsonValue.TRUE);
    assertThat(read(alice, "/rooms/r1/messages/m1")).isTrue();
    assertThat(read(user("bob"), "/rooms/r1/messages/m1")).isFalse();
    // A member writes messages as themselves only.
    assertThat(write(alice, "/rooms/r1/messages/m2", "{\"author\":\"alice\",\"text\":\"hi\"}"))
        .isTrue();
    assertThat(write(alice, "/rooms/r1/messages/m2", "{\"author\":\"bob\"}")).isFalse();
    assertThat(write(alice, "/rooms/r1/messages/m2", null)).isFalse(); // delete: value is null
    // Other room paths: only the owner writes.
    assertThat(write(alice, "/rooms/r1/title", "\"x\"")).isFalse();
    data.put(Path.parse("/rooms/r1/owner"), Json.createValue("alice"));
    assertThat(write(alice, "/rooms/r1/title", "\"x\"")).isTrue();
    assertThat(rules.readDependsOnData(Path.parse("/rooms/r1/title"))).isTrue();
    assertThat(rules.readDependsOnData(Path.parse("/users/a/b"))).isFalse();
  }

  @Test
  void aCallersNameFillsOneSegmentAndCannotReachAnotherPath() {
    data.put(Path.parse("/rooms/r1/members/x"), JsonValue.TRUE);
    // A name with a '/' is one segment "x/../x" (encoded), never /rooms/r1/members/x.
    assertThat(read(user("../x"), "/rooms/r1/messages/m1")).isFalse();
    assertThat(read(user("x/y"), "/rooms/r1/messages/m1")).isFalse();
    assertThat(reads).contains(Path.of("rooms", "r1", "members", "x/y"));
    // A name that is no valid segment resolves to no path: nothing is read, the answer is no.
    int before = reads.size();
    assertThat(read(user(".."), "/rooms/r1/messages/m1")).isFalse();
    assertThat(read(user("x\u0000"), "/rooms/r1/messages/m1")).isFalse();
    assertThat(reads).hasSize(before);
    // Resolved paths are kept: asking again reads the same path (and still decides the same).
    data.put(Path.of("rooms", "r1", "members", "x/y"), JsonValue.TRUE);
    assertThat(read(user("x/y"), "/rooms/r1/messages/m1")).isTrue();
    assertThat(reads.get(reads.size() - 1)).isEqualTo(Path.of("rooms", "r1", "members", "x/y"));
  }

  @Test
  void encodedAndNormalizedSpellingsMatchTheSameRule() {
    Caller alice = user("alice");
    assertThat(read(alice, "/users/%61lice/x")).isTrue();
    assertThat(read(alice, "/us%65rs/alice/x")).isTrue();
    assertThat(read(user("é"), "/users/e\u0301/x")).isTrue(); // NFC: one path, one name
  }

  @Test
  void functionRulesPreferTheExactNameThenTheLongestPrefix() {
    Caller alice = user("alice");
    assertThat(rules.canCall(alice, "board.add", null, access)).isTrue();
    assertThat(rules.canCall(Caller.anonymous(), "board.add", null, access)).isFalse();
    assertThat(rules.canCall(alice, "board.delete", null, access)).isFalse();
    assertThat(rules.canCall(user("root", "admin"), "board.delete", null, access)).isTrue();
    JsonValue args = Json.createObjectBuilder().add("from", "alice").build();
    assertThat(rules.canCall(alice, "bank.transfer", args, access)).isTrue();
    assertThat(rules.canCall(user("bob"), "bank.transfer", args, access)).isFalse();
    assertThat(rules.canCall(alice, "bank.transfer", null, access)).isFalse();
    assertThat(rules.canCall(alice, "other", null, access)).isFalse();
  }

  @Test
  void theSystemPassesEveryCheck() {
    assertThat(read(Caller.SYSTEM, "/secret/x")).isTrue();
    assertThat(write(Caller.SYSTEM, "/secret/x", "1")).isTrue();
    assertThat(rules.canCall(Caller.SYSTEM, "anything", null, access)).isTrue();
    assertThat(RuleSet.denyAll("none").canRead(user("a", "admin"), Path.parse("/a"), access))
        .isFalse();
  }

  @Test
  void conditionLanguage() {
    String r =
        """
        {"rules": [{"path": "/t/{a}/{b}",
          "read": "(a == b || a == '1') && !(b != '2') && a != null && 1.0 == 1",
          "write": "value.n == 2.0 && value.s == \\"x\\" && value.missing == null && value.o.p == true"}]}
        """;
    RuleSet s = RuleSet.parse(r, "t");
    Caller c = user("c");
    assertThat(s.canRead(c, Path.parse("/t/2/2"), access)).isTrue();
    assertThat(s.canRead(c, Path.parse("/t/1/2"), access)).isTrue();
    assertThat(s.canRead(c, Path.parse("/t/3/2"), access)).isFalse();
    assertThat(s.canRead(c, Path.parse("/t/1/3"), access)).isFalse();
    JsonValue v =
        Json.createReader(new java.io.StringReader("{\"n\":2,\"s\":\"x\",\"o\":{\"p\":true}}"))
            .readValue();
    assertThat(s.canWrite(c, Path.parse("/t/1/2"), () -> v, access)).isTrue();
    assertThat(s.canWrite(c, Path.parse("/t/1/2"), () -> JsonValue.TRUE, access)).isFalse();
    // A condition that is not exactly true denies: a string, a number, null.
    RuleSet loose =
        RuleSet.parse("{\"rules\":[{\"path\":\"/x/{a}\",\"read\":\"a\",\"write\":\"1\"}]}", "t");
    assertThat(loose.canRead(c, Path.parse("/x/true"), access)).isFalse();
    assertThat(loose.canWrite(c, Path.parse("/x/y"), () -> null, access)).isFalse();
  }

  @Test
  void aBadFileNamesEveryBadRule() {
    String bad =
        """
        {"rules": [
          {"path": "/ok/**", "read": true},
          {"path": "users/{uid}", "read": true},
          {"path": "/a/{x}/**", "read": "x == caller.id &&"},
          {"path": "/b/{x}", "read": "y == caller.id"},
          {"path": "/c/**/d", "read": true},
          {"path": "/d/{caller}", "read": true},
          {"path": "/e/{x}", "read": "value == 1", "wirte": "true"},
          {"path": "/f/{x}", "read": "exists('/g/{y}')"},
          {"path": "/ok/*", "read": true},
          {"path": "/ok/{name}", "read": false},
          {"read": true}
        ],
        "functions": [{"function": "a b", "call": true}, {"function": "x", "call": "args.y == "}],
        "extra": 1}
        """;
    assertThatThrownBy(() -> RuleSet.parse(bad, "rules.json"))
        .isInstanceOfSatisfying(
            RulesException.class,
            e ->
                assertThat(e.problems())
                    .anySatisfy(p -> assertThat(p).startsWith("unknown key 'extra'"))
                    .anySatisfy(p -> assertThat(p).startsWith("rule 2 (users/{uid}): path:"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .startsWith("rule 3 (/a/{x}/**): read: column 18: the condition"))
                    .anySatisfy(p -> assertThat(p).contains("rule 4").contains("unknown name 'y'"))
                    .anySatisfy(p -> assertThat(p).contains("rule 5").contains("last segment"))
                    .anySatisfy(p -> assertThat(p).contains("rule 6").contains("reserved word"))
                    .anySatisfy(p -> assertThat(p).contains("rule 7").contains("'value'"))
                    .anySatisfy(p -> assertThat(p).contains("rule 7").contains("'wirte'"))
                    .anySatisfy(p -> assertThat(p).contains("rule 8").contains("{y}"))
                    .anySatisfy(p -> assertThat(p).contains("rules 9 (/ok/*) and 10 (/ok/{name})"))
                    .anySatisfy(p -> assertThat(p).contains("rule 11: 'path' is missing"))
                    .anySatisfy(p -> assertThat(p).contains("function rule 1 (a b)"))
                    .anySatisfy(p -> assertThat(p).contains("function rule 2 (x): call:"))
                    .hasSize(13));
    assertThatThrownBy(() -> RuleSet.parse("[1]", "r")).hasMessageContaining("one JSON object");
    assertThatThrownBy(() -> RuleSet.parse("{", "r")).hasMessageContaining("not valid JSON");
  }
}
