package io.querysub.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.querysub.config.NodeSettings;
import io.querysub.config.SettingsReader;
import io.querysub.core.auth.Caller;
import io.querysub.core.node.NodeEngine;
import io.querysub.core.perm.Permissions;
import io.querysub.core.perm.RuleSet;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.engine.fail.FailPoints;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.ChildrenPage;
import io.querysub.engine.store.CommitResult;
import io.querysub.engine.store.ReadLock;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks {@link DataService} makes for a caller, against a rule set. */
class DataServicePermissionsTest {
  private static final String RULES =
      """
      {"rules": [
        {"path": "/users/{uid}/**", "read": "uid == caller.id", "write": "uid == caller.id"},
        {"path": "/rooms/{room}/members/{m}", "read": true,
         "write": "data('/rooms/{room}/owner') == caller.id"},
        {"path": "/rooms/{room}/owner", "read": true, "write": "!exists('/rooms/{room}/owner')"},
        {"path": "/rooms/{room}/messages/*",
         "read": "exists('/rooms/{room}/members/{caller.id}')",
         "write": "exists('/rooms/{room}/members/{caller.id}') && value.author == caller.id"}
      ]}
      """;

  @TempDir java.nio.file.Path dir;
  private DataService data;
  private final Caller alice = user("alice");
  private final Caller bob = user("bob");

  private static Caller user(String id) {
    return new Caller(id, Set.of(), Long.MAX_VALUE, null);
  }

  @BeforeEach
  void start() {
    NodeSettings s =
        SettingsReader.read(
            k ->
                Optional.ofNullable(
                    Map.of(SettingsReader.DATA_DIR, dir.resolve("d").toString()).get(k)));
    data = new DataService(NodeEngine.standalone(s), s, Permissions.of(RuleSet.parse(RULES, "t")));
  }

  @AfterEach
  void disarm() {
    FailPoints.disarmAll();
  }

  private static ErrorCode codeOf(Runnable r) {
    try {
      r.run();
    } catch (QuerysubException e) {
      return e.code();
    }
    return null;
  }

  private void room() {
    data.write(alice, Path.parse("/rooms/r/owner"), Value.ofJson("\"alice\""));
    data.write(alice, Path.parse("/rooms/r/members/alice"), Value.ofJson("true"));
    data.write(alice, Path.parse("/rooms/r/members/bob"), Value.ofJson("true"));
  }

  private static String message(String author) {
    return "{\"author\":\"" + author + "\"}";
  }

  @Test
  void deniedReadsAndWritesApplyNothing() {
    Path a = Path.parse("/users/alice/x");
    data.write(alice, a, Value.ofJson("1"));
    assertThat(codeOf(() -> data.read(bob, a))).isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(codeOf(() -> data.write(bob, a, Value.ofJson("2"))))
        .isEqualTo(ErrorCode.PERMISSION_DENIED);
    // One denied write of two: neither is applied.
    assertThat(
            codeOf(
                () ->
                    data.commit(
                        bob,
                        List.of(),
                        List.of(
                            new Write(Path.parse("/users/bob/y"), Value.ofJson("1")),
                            new Write(a, Value.ofJson("3"))))))
        .isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(data.read(bob, Path.parse("/users/bob/y")).exists()).isFalse();
    assertThat(data.read(alice, a).value().json()).isEqualTo("1");
    // Nothing matches /other: denied to everyone but the system.
    assertThat(codeOf(() -> data.write(alice, Path.parse("/other"), Value.NULL)))
        .isEqualTo(ErrorCode.PERMISSION_DENIED);
    data.write(Caller.SYSTEM, Path.parse("/other"), Value.NULL);
  }

  @Test
  void aTransactionMayNotLockWhatItMayNotRead() {
    Path a = Path.parse("/users/alice/x");
    var v = data.write(alice, a, Value.ofJson("1"));
    // A broken or holding lock would tell bob whether alice's value changed.
    assertThat(
            codeOf(
                () ->
                    data.commit(
                        bob,
                        List.of(ReadLock.value(a, v)),
                        List.of(new Write(Path.parse("/users/bob/y"), Value.ofJson("1"))))))
        .isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(
            codeOf(
                () ->
                    data.commit(
                        bob, List.of(ReadLock.children(Path.parse("/users/alice"), v)), List.of())))
        .isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(data.read(bob, Path.parse("/users/bob/y")).exists()).isFalse();
  }

  @Test
  void childListingsLeaveOutWhatTheCallerMayNotRead() {
    data.write(alice, Path.parse("/users/alice/x"), Value.ofJson("1"));
    data.write(bob, Path.parse("/users/bob/x"), Value.ofJson("1"));
    ChildrenPage page = data.children(bob, Path.parse("/users"), null, null, false);
    assertThat(page.children()).extracting(ChildrenPage.Child::key).containsExactly("bob");
  }

  @Test
  void conditionsReadDataAndAValueField() {
    room();
    Path m = Path.parse("/rooms/r/messages/m1");
    data.write(bob, m, Value.ofJson(message("bob")));
    assertThat(codeOf(() -> data.write(bob, m, Value.ofJson(message("alice")))))
        .isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(codeOf(() -> data.read(user("carol"), m))).isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(codeOf(() -> data.write(bob, Path.parse("/rooms/r/owner"), Value.NULL)))
        .isEqualTo(ErrorCode.PERMISSION_DENIED); // the owner is set once
  }

  @Test
  void aWriteAllowedByDataThatChangesBeforeItIsAppliedIsRejected() {
    room();
    Path m = Path.parse("/rooms/r/messages/m2");
    // Between bob's check (he is a member) and his commit, alice removes him.
    FailPoints.arm(
        FailPoints.PERM_AFTER_CHECK,
        FailPoints.atHit(
            1, p -> data.write(Caller.SYSTEM, Path.parse("/rooms/r/members/bob"), Value.ABSENT)));
    CommitResult r =
        data.commit(bob, List.of(), List.of(new Write(m, Value.ofJson(message("bob")))));
    assertThat(r.isValid()).isFalse();
    assertThat(r.conflict().path()).isEqualTo(Path.parse("/rooms/r/members/bob"));
    assertThat(data.read(alice, m).exists()).isFalse();
    // The same race on a single-path REST write: CONFLICT, nothing stored.
    FailPoints.arm(
        FailPoints.PERM_AFTER_CHECK,
        FailPoints.atHit(
            1, p -> data.write(Caller.SYSTEM, Path.parse("/rooms/r/members/alice"), Value.ABSENT)));
    assertThatThrownBy(() -> data.write(alice, m, Value.ofJson(message("alice"))))
        .isInstanceOfSatisfying(
            QuerysubException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    assertThat(data.read(Caller.SYSTEM, m).exists()).isFalse();
  }

  @Test
  void callRecordsAreTheirCallersOnly() {
    data.engine
        .store()
        .commit(
            List.of(),
            List.of(
                new Write(
                    Path.parse("/.calls/c1"),
                    Value.ofJson("{\"function\":\"f\",\"caller\":\"alice\",\"status\":\"ok\"}"))));
    assertThat(data.read(alice, Path.parse("/.calls/c1")).exists()).isTrue();
    assertThat(codeOf(() -> data.read(bob, Path.parse("/.calls/c1"))))
        .isEqualTo(ErrorCode.PERMISSION_DENIED);
    assertThat(data.children(bob, Path.parse("/.calls"), null, null, false).children()).isEmpty();
    assertThat(data.children(alice, Path.parse("/.calls"), null, null, false).children())
        .hasSize(1);
  }

  @Test
  void withPermissionsOffEveryoneMayDoEverything() {
    NodeSettings s =
        SettingsReader.read(
            k ->
                Optional.ofNullable(
                    Map.of(SettingsReader.DATA_DIR, dir.resolve("e").toString()).get(k)));
    DataService open = new DataService(NodeEngine.standalone(s), s, Permissions.off());
    open.write(bob, Path.parse("/users/alice/x"), Value.NULL);
    assertThat(open.read(bob, Path.parse("/users/alice/x")).exists()).isTrue();
  }
}
