package io.querysub.engine.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.ChildrenPage;
import io.querysub.engine.store.CommitResult;
import io.querysub.engine.store.ReadResult;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.StoreOptions;
import io.querysub.engine.store.Subtree;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import io.querysub.engine.version.HybridClock;
import io.querysub.engine.version.Version;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchHubTest {
  private final Store store = new Store(StoreOptions.DEFAULTS, new HybridClock(1));
  private final WatchHub hub = new WatchHub(store);
  private final List<ChangeBatch> got = new ArrayList<>();

  private static Path p(String s) {
    return Path.parse(s);
  }

  private Version put(String path, String json) {
    CommitResult r = store.commit(List.of(), List.of(new Write(p(path), Value.ofJson(json))));
    assertThat(r.isValid()).isTrue();
    return r.version();
  }

  private Version delete(String path) {
    return store.commit(List.of(), List.of(Write.delete(p(path)))).version();
  }

  @Test
  void aPathWatchStartsFromTheCurrentValueAndHearsEachLaterWrite() {
    Version v1 = put("/room/r1/title", "\"a\"");
    WatchHub.Started<ReadResult> s = hub.watchPath(p("/room/r1/title"), got::add);
    assertThat(s.snapshot().value().json()).isEqualTo("\"a\"");
    assertThat(s.watch().baseVersion()).isEqualTo(v1);
    put("/room/r1/other", "1");
    Version v2 = put("/room/r1/title", "\"b\"");
    Version v3 = delete("/room/r1/title");
    assertThat(got).extracting(ChangeBatch::version).containsExactly(v2, v3);
    assertThat(got.get(0).changes())
        .containsExactly(Change.value(p("/room/r1/title"), Value.ofJson("\"b\""), v2));
    assertThat(got.get(1).changes().get(0).value().isAbsent()).isTrue();
    s.watch().close();
    put("/room/r1/title", "\"c\"");
    assertThat(got).hasSize(2);
    assertThat(hub.watchCount()).isZero();
  }

  @Test
  void aChildrenWatchHearsDirectValuesAndKeysComingAndGoing() {
    put("/list/l1/a", "1");
    WatchHub.Started<ChildrenPage> s = hub.watchChildren(p("/list/l1"), 100, got::add);
    assertThat(s.snapshot().children()).extracting(ChildrenPage.Child::key).containsExactly("a");
    Version v1 = put("/list/l1/b/deep", "2"); // key b appears; its deep value is not a child value
    Version v2 = put("/list/l1/a", "3"); // a direct child's value
    Version v3 = delete("/list/l1/b/deep"); // key b goes
    put("/list/l2/x", "1"); // elsewhere
    assertThat(got).extracting(ChangeBatch::version).containsExactly(v1, v2, v3);
    assertThat(got.get(0).changes())
        .containsExactly(new Change(Change.Kind.KEY_ADDED, p("/list/l1/b"), Value.ABSENT, v1));
    assertThat(got.get(1).changes())
        .containsExactly(Change.value(p("/list/l1/a"), Value.ofJson("3"), v2));
    assertThat(got.get(2).changes())
        .containsExactly(new Change(Change.Kind.KEY_REMOVED, p("/list/l1/b"), Value.ABSENT, v3));
  }

  @Test
  void aSubtreeWatchHearsEverythingBelowIt() {
    put("/doc/d1/title", "\"t\"");
    put("/doc/d1/body/p1", "\"x\"");
    WatchHub.Started<Subtree> s = hub.watchSubtree(p("/doc/d1"), 100, got::add);
    assertThat(s.snapshot().entries())
        .extracting(e -> e.path().toString())
        .containsExactly("/doc/d1/body/p1", "/doc/d1/title");
    Version v = put("/doc/d1/body/p2", "\"y\"");
    put("/doc/d2/title", "\"no\"");
    assertThat(got).hasSize(1);
    assertThat(got.get(0).version()).isEqualTo(v);
    assertThat(got.get(0).changes())
        .containsExactly(Change.value(p("/doc/d1/body/p2"), Value.ofJson("\"y\""), v));
  }

  @Test
  void oneCommitIsOneBatchPerWatch() {
    hub.watchSubtree(p("/acct"), 100, got::add);
    Version v =
        store
            .commit(
                List.of(),
                List.of(
                    new Write(p("/acct/a/bal"), Value.ofJson("1")),
                    new Write(p("/acct/b/bal"), Value.ofJson("2"))))
            .version();
    assertThat(got).hasSize(1);
    assertThat(got.get(0).version()).isEqualTo(v);
    assertThat(got.get(0).changes())
        .extracting(Change::path)
        .containsExactlyInAnyOrder(p("/acct/a/bal"), p("/acct/b/bal"));
  }

  @Test
  void watchesOfOneScopeShareOneBatchAndItsEncoding() {
    List<ChangeBatch> other = new ArrayList<>();
    List<ChangeBatch> wide = new ArrayList<>();
    hub.watchPath(p("/room/r1/title"), got::add);
    hub.watchPath(p("/room/r1/title"), other::add);
    hub.watchSubtree(p("/room"), 100, wide::add);
    Version v =
        store
            .commit(
                List.of(),
                List.of(
                    new Write(p("/room/r1/title"), Value.ofJson("\"t\"")),
                    new Write(p("/room/r1/topic"), Value.ofJson("\"x\""))))
            .version();
    assertThat(got).hasSize(1);
    assertThat(other).hasSize(1);
    assertThat(other.get(0)).isSameAs(got.get(0)); // one batch for both path watches
    assertThat(got.get(0).changes())
        .containsExactly(Change.value(p("/room/r1/title"), Value.ofJson("\"t\""), v));
    assertThat(wide.get(0)).isNotSameAs(got.get(0));
    assertThat(wide.get(0).changes()).hasSize(2);
    // The first encoder's text is kept and handed to every later caller.
    int[] calls = new int[1];
    String first = got.get(0).encoded(b -> "enc" + (++calls[0]));
    assertThat(other.get(0).encoded(b -> "enc" + (++calls[0]))).isSameAs(first);
    assertThat(calls[0]).isEqualTo(1);
  }

  @Test
  void rootChildrenWatchIgnoresSystemKeys() {
    hub.watchChildren(Path.ROOT, 100, got::add);
    put("/.calls/c1", "{}");
    assertThat(got).isEmpty();
    Version v = put("/app/x", "1");
    assertThat(got).hasSize(1);
    assertThat(got.get(0).changes())
        .containsExactly(new Change(Change.Kind.KEY_ADDED, p("/app"), Value.ABSENT, v));
  }

  @Test
  void boundsAreEnforcedAndAFailedStartLeavesNoWatch() {
    for (int i = 0; i < 5; i++) {
      put("/big/b/k" + i, "1");
    }
    assertThatThrownBy(() -> hub.watchChildren(p("/big/b"), 4, got::add))
        .extracting(e -> ((QuerysubException) e).code())
        .isEqualTo(ErrorCode.LIMIT_EXCEEDED);
    assertThatThrownBy(() -> hub.watchSubtree(p("/big"), 4, got::add))
        .extracting(e -> ((QuerysubException) e).code())
        .isEqualTo(ErrorCode.LIMIT_EXCEEDED);
    assertThat(hub.watchCount()).isZero();
    assertThat(hub.watchChildren(p("/big/b"), 5, got::add).snapshot().children()).hasSize(5);
  }

  @Test
  void rejectedAndReadOnlyCommitsPublishNothingAndHoldNothingUp() {
    Version v1 = put("/c/1/x", "1");
    hub.watchSubtree(p("/c"), 100, got::add);
    put("/c/1/x", "2");
    CommitResult stale =
        store.commit(
            List.of(io.querysub.engine.store.ReadLock.value(p("/c/1/x"), v1)),
            List.of(new Write(p("/c/1/y"), Value.ofJson("1"))));
    assertThat(stale.isValid()).isFalse();
    Version v3 = put("/c/1/z", "3");
    assertThat(got).extracting(ChangeBatch::version).hasSize(2).last().isEqualTo(v3);
  }
}
