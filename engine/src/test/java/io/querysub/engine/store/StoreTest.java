package io.querysub.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.engine.path.Path;
import io.querysub.engine.version.HybridClock;
import io.querysub.engine.version.Version;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Commits at the current version, listing, the golden horizon, and cascades through the API. */
class StoreTest {
  private final AtomicLong millis = new AtomicLong(1_000_000);
  private final Store store = new Store(StoreOptions.DEFAULTS, new HybridClock(1, millis::get));

  private static Path p(String s) {
    return Path.parse(s);
  }

  private static Value json(String s) {
    return Value.ofJson(s);
  }

  private CommitResult put(String path, String value) {
    return store.commit(List.of(), List.of(new Write(p(path), json(value))));
  }

  @Test
  void readsWhatWasWrittenAndDistinguishesNullFromAbsent() {
    assertThat(store.read(p("/a"))).isEqualTo(new ReadResult(p("/a"), Value.ABSENT, Version.ZERO));
    CommitResult w = put("/a", "null");
    assertThat(w.isValid()).isTrue();
    ReadResult r = store.read(p("/a"));
    assertThat(r.exists()).isTrue();
    assertThat(r.value().json()).isEqualTo("null");
    assertThat(r.version()).isEqualTo(w.version());

    CommitResult d = store.commit(List.of(), List.of(Write.delete(p("/a"))));
    ReadResult gone = store.read(p("/a"));
    assertThat(gone.exists()).isFalse();
    assertThat(gone.version()).as("a delete gives its version to lock on").isEqualTo(d.version());
  }

  @Test
  void aStaleReadIsAConflictNamingThePathAndTheBreakingVersion() {
    Version first = put("/acct/1", "10").version();
    Version second = put("/acct/1", "20").version();
    CommitResult r =
        store.commit(
            List.of(ReadLock.value(p("/acct/1"), first)),
            List.of(new Write(p("/acct/2"), json("1"))));
    assertThat(r.validity()).isEqualTo(Validity.REJECTED);
    assertThat(r.conflict().path()).isEqualTo(p("/acct/1"));
    assertThat(r.conflict().version()).isEqualTo(second);
    assertThat(store.read(p("/acct/2")).exists()).as("nothing applied").isFalse();

    CommitResult ok =
        store.commit(
            List.of(ReadLock.value(p("/acct/1"), second)),
            List.of(new Write(p("/acct/2"), json("1"))));
    assertThat(ok.isValid()).isTrue();
    assertThat(ok.version()).isGreaterThan(second);
  }

  @Test
  void lockOnAVersionThatNeverExistedIsRejected() {
    put("/a", "1");
    CommitResult r =
        store.commit(
            List.of(ReadLock.value(p("/a"), Version.of(999_999_999, 0, 1))),
            List.of(new Write(p("/b"), json("1"))));
    assertThat(r.validity()).isEqualTo(Validity.REJECTED);
    assertThat(r.conflict().reason()).contains("does not exist");
  }

  @Test
  void readOfNothingHoldsUntilSomethingIsWritten() {
    CommitResult ok =
        store.commit(
            List.of(ReadLock.value(p("/free"), Version.ZERO)),
            List.of(new Write(p("/claim"), json("1"))));
    assertThat(ok.isValid()).isTrue();
    put("/free", "true");
    CommitResult late =
        store.commit(
            List.of(ReadLock.value(p("/free"), Version.ZERO)),
            List.of(new Write(p("/claim"), json("2"))));
    assertThat(late.validity()).isEqualTo(Validity.REJECTED);
  }

  @Test
  void readOnlyCommitValidatesWithoutWriting() {
    Version v = put("/x/1", "1").version();
    int paths = store.pathCount();
    assertThat(store.commit(List.of(ReadLock.value(p("/x/1"), v)), List.of()).isValid()).isTrue();
    assertThat(store.pathCount()).isEqualTo(paths);
    put("/x/1", "2");
    assertThat(store.commit(List.of(ReadLock.value(p("/x/1"), v)), List.of()).isValid()).isFalse();
  }

  @Test
  void twoWritesToOnePathAreRefused() {
    assertThatThrownBy(
            () ->
                store.commit(
                    List.of(),
                    List.of(new Write(p("/a"), json("1")), new Write(p("/a"), json("2")))))
        .isInstanceOf(QuerysubException.class)
        .extracting(e -> ((QuerysubException) e).code())
        .isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(store.read(p("/a")).exists()).isFalse();
  }

  @Test
  void childrenAreKeysWithAValueAtOrBelowThem() {
    put("/p/a", "1");
    put("/p/b/deep/er", "2");
    put("/p/c", "3");
    store.commit(List.of(), List.of(Write.delete(p("/p/c"))));
    ChildrenPage page = store.children(p("/p"), null, 10, true);
    assertThat(page.children()).extracting(ChildrenPage.Child::key).containsExactly("a", "b");
    assertThat(page.children().get(0).value().json()).isEqualTo("1");
    assertThat(page.children().get(1).value().isAbsent()).as("b holds no value itself").isTrue();
    assertThat(page.next()).isNull();
    assertThat(store.children(Path.ROOT, null, 10, false).children())
        .extracting(ChildrenPage.Child::key)
        .containsExactly("p");
  }

  @Test
  void systemKeysAreNotChildrenOfTheRoot() {
    put("/app/x", "1");
    ChildrenPage listed = store.children(Path.ROOT, null, 10, false);
    ReadLock rootLock = ReadLock.children(Path.ROOT, listed.readVersion());
    put("/.calls/c1", "{}");
    assertThat(store.children(Path.ROOT, null, 10, false).children())
        .extracting(ChildrenPage.Child::key)
        .containsExactly("app");
    assertThat(store.children(p("/.calls"), null, 10, false).children()).hasSize(1);
    assertThat(store.commit(List.of(rootLock), List.of()).isValid())
        .as("a new system key does not break a children lock on the root")
        .isTrue();
    put("/app2/x", "1");
    assertThat(store.commit(List.of(rootLock), List.of()).isValid()).isFalse();
  }

  @Test
  void childrenArePaginatedInKeyOrder() {
    for (int i = 0; i < 25; i++) {
      put(String.format("/list/k%02d", i), Integer.toString(i));
    }
    ChildrenPage first = store.children(p("/list"), null, 10, false);
    assertThat(first.children()).hasSize(10);
    assertThat(first.children().get(0).key()).isEqualTo("k00");
    assertThat(first.next()).isEqualTo("k09");
    ChildrenPage second = store.children(p("/list"), first.next(), 10, false);
    assertThat(second.children().get(0).key()).isEqualTo("k10");
    ChildrenPage third = store.children(p("/list"), second.next(), 10, false);
    assertThat(third.children()).hasSize(5);
    assertThat(third.next()).isNull();
  }

  @Test
  void childrenLockBreaksOnANewKeyButNotOnAChangedValue() {
    put("/room/r1/m1", "\"hi\"");
    ChildrenPage listed = store.children(p("/room/r1"), null, 100, false);
    ReadLock lock = ReadLock.children(p("/room/r1"), listed.readVersion());
    put("/room/r1/m1", "\"edited\"");
    assertThat(store.commit(List.of(lock), List.of(new Write(p("/c/1"), json("1")))).isValid())
        .isTrue();
    Version added = put("/room/r1/m2", "\"new\"").version();
    CommitResult r = store.commit(List.of(lock), List.of(new Write(p("/c/1"), json("2"))));
    assertThat(r.validity()).isEqualTo(Validity.REJECTED);
    assertThat(r.conflict().children()).isTrue();
    assertThat(r.conflict().version()).isEqualTo(added);
  }

  @Test
  void childrenLockAboveTheShardDepthSpansShards() {
    put("/users/u1/name", "\"a\"");
    ChildrenPage listed = store.children(p("/users"), null, 100, false);
    ReadLock lock = ReadLock.children(p("/users"), listed.readVersion());
    put("/users/u1/name", "\"b\"");
    put("/users/u1/email", "\"x\"");
    assertThat(store.commit(List.of(lock), List.of()).isValid()).as("u1 existed before").isTrue();
    put("/users/u2/name", "\"c\"");
    assertThat(store.commit(List.of(lock), List.of()).isValid()).isFalse();
  }

  @Test
  void childrenLockBrokenByAKeyAddedAndRemovedInsideTheInterval() {
    put("/s/t/x", "1");
    ReadLock lock =
        ReadLock.children(p("/s/t"), store.children(p("/s/t"), null, 10, false).readVersion());
    put("/s/t/y", "1");
    store.commit(List.of(), List.of(Write.delete(p("/s/t/y"))));
    assertThat(store.children(p("/s/t"), null, 10, false).children()).hasSize(1);
    assertThat(store.commit(List.of(lock), List.of()).isValid()).isFalse();
  }

  @Test
  void writesBehindTheGoldenHorizonAreTooOld() {
    Version v = put("/g", "1").version();
    millis.addAndGet(61_000);
    assertThat(store.goldenHorizon()).isGreaterThan(v);
    Version old = Version.of(v.millis() + 1, 0, 7);
    assertThatThrownBy(() -> store.ingest(old, List.of(), List.of(new Write(p("/g"), json("2")))))
        .isInstanceOf(QuerysubException.class)
        .extracting(e -> ((QuerysubException) e).code())
        .isEqualTo(ErrorCode.TOO_OLD);
    assertThat(store.read(p("/g")).value().json()).isEqualTo("1");
    // A lock may start behind the horizon: reading an old, unchanged value is normal.
    CommitResult ok =
        store.commit(List.of(ReadLock.value(p("/g"), v)), List.of(new Write(p("/h"), json("1"))));
    assertThat(ok.isValid()).isTrue();
  }

  @Test
  void goldenCommitsDropLocksAndSupersededVersions() {
    Version a1 = put("/t/a", "1").version();
    Version a2 =
        store
            .commit(
                List.of(ReadLock.value(p("/t/a"), a1)), List.of(new Write(p("/t/a"), json("2"))))
            .version();
    Version a3 = put("/t/a", "3").version();
    assertThat(store.openCommits()).isEqualTo(3);
    millis.addAndGet(61_000);
    assertThat(store.advanceGolden()).isEqualTo(3);
    assertThat(store.openCommits()).isZero();
    assertThat(store.validity(p("/t/a"), a3)).isEqualTo(Validity.VALID);
    assertThat(store.validity(p("/t/a"), a1)).as("superseded and golden: trimmed").isNull();
    assertThat(store.validity(p("/t/a"), a2)).isNull();
    assertThat(store.read(p("/t/a")).value().json()).isEqualTo("3");
    // A lock on a trimmed, superseded version is still refused.
    assertThat(
            store
                .commit(
                    List.of(ReadLock.value(p("/t/a"), a2)),
                    List.of(new Write(p("/t/b"), json("1"))))
                .isValid())
        .isFalse();
  }

  @Test
  void entriesMadeOnlyByLocksAreForgottenOnceGolden() {
    int before = store.pathCount();
    CommitResult r =
        store.commit(
            List.of(ReadLock.value(p("/never/written/here"), Version.ZERO)),
            List.of(new Write(p("/w"), json("1"))));
    assertThat(r.isValid()).isTrue();
    assertThat(store.pathCount()).as("three lock-only entries and /w").isEqualTo(before + 4);
    millis.addAndGet(61_000);
    store.advanceGolden();
    assertThat(store.pathCount()).isEqualTo(before + 1);
    assertThat(store.children(Path.ROOT, null, 10, false).children())
        .extracting(ChildrenPage.Child::key)
        .containsExactly("w");
  }

  @Test
  void historyListsValidWritesAboveAVersionAndSaysWhenTrimmed() {
    Version v1 = put("/h/a", "1").version();
    Version v2 = put("/h/a", "2").version();
    Version v3 = store.commit(List.of(), List.of(Write.delete(p("/h/a")))).version();
    History h = store.history(p("/h/a"), v1);
    assertThat(h.complete()).isTrue();
    assertThat(h.entries()).extracting(History.Entry::version).containsExactly(v2, v3);
    assertThat(h.entries().get(1).value().isAbsent()).isTrue();
    assertThat(store.history(p("/h/none"), Version.ZERO).entries()).isEmpty();
    put("/h/b", "1");
    Version b2 = put("/h/b", "2").version();
    millis.addAndGet(61_000);
    store.advanceGolden();
    History trimmed = store.history(p("/h/b"), Version.ZERO);
    assertThat(trimmed.complete()).isFalse();
    assertThat(trimmed.entries()).extracting(History.Entry::version).containsExactly(b2);
    assertThat(store.history(p("/h/b"), b2).complete()).isTrue();
    assertThat(store.history(p("/h/a"), Version.ZERO).complete())
        .as("the delete and what it deleted are gone")
        .isFalse();
  }

  @Test
  void retainedVersionsGoOnceTheRetentionPassesThemWithoutNewWrites() {
    Store kept =
        new Store(
            StoreOptions.DEFAULTS.withHistoryRetention(Duration.ofMinutes(10)),
            new HybridClock(1, millis::get));
    Version a1 = kept.commit(List.of(), List.of(new Write(p("/r/k"), json("1")))).version();
    Version a2 = kept.commit(List.of(), List.of(new Write(p("/r/k"), json("2")))).version();
    Version d = kept.commit(List.of(), List.of(Write.delete(p("/r/gone")))).version();
    millis.addAndGet(61_000);
    kept.advanceGolden();
    assertThat(kept.validity(p("/r/k"), a1)).as("kept for the retention").isEqualTo(Validity.VALID);
    assertThat(kept.validity(p("/r/gone"), d)).isEqualTo(Validity.VALID);
    millis.addAndGet(10 * 60_000);
    kept.advanceGolden();
    assertThat(kept.validity(p("/r/k"), a1)).as("the retention passed it").isNull();
    assertThat(kept.validity(p("/r/k"), a2)).isEqualTo(Validity.VALID);
    assertThat(kept.validity(p("/r/gone"), d)).as("a lone golden delete goes too").isNull();
    assertThat(kept.read(p("/r/k")).value().json()).isEqualTo("2");
  }

  @Test
  void historyRetentionKeepsSupersededGoldenVersions() {
    Store kept =
        new Store(
            StoreOptions.DEFAULTS.withHistoryRetention(Duration.ofMinutes(10)),
            new HybridClock(1, millis::get));
    Version a1 = kept.commit(List.of(), List.of(new Write(p("/k"), json("1")))).version();
    kept.commit(List.of(), List.of(new Write(p("/k"), json("2"))));
    millis.addAndGet(61_000);
    kept.advanceGolden();
    assertThat(kept.validity(p("/k"), a1)).isEqualTo(Validity.VALID);
    millis.addAndGet(10 * 60_000);
    kept.advanceGolden(kept.goldenHorizon());
    kept.commit(List.of(), List.of(new Write(p("/k"), json("3"))));
    millis.addAndGet(61_000);
    kept.advanceGolden();
    assertThat(kept.validity(p("/k"), a1)).isNull();
  }

  @Test
  void aReadOfAWriteLaterRejectedByALateWriteCascadesAndRecovers() {
    // t1 reads /a (nothing) and writes /b; t2 reads t1's /b and writes /c.
    Version t1 =
        store
            .commit(
                List.of(ReadLock.value(p("/a"), Version.ZERO)),
                List.of(new Write(p("/b"), json("1"))))
            .version();
    Version t2 =
        store
            .commit(List.of(ReadLock.value(p("/b"), t1)), List.of(new Write(p("/c"), json("2"))))
            .version();
    Version t3 = put("/d", "3").version();
    // A write from a remote authority lands on /a below t1: t1 saw nothing, so t1 and t2 fall.
    Version lateA = Version.of(t1.millis() - 1, 5, 0);
    assertThat(lateA).isLessThan(t1);
    CommitResult late =
        store.ingest(
            lateA,
            List.of(ReadLock.value(p("/e"), Version.ZERO)),
            List.of(new Write(p("/a"), json("9"))));
    assertThat(late.isValid()).isTrue();
    assertThat(store.validity(p("/b"), t1)).isEqualTo(Validity.REJECTED);
    assertThat(store.validity(p("/c"), t2)).isEqualTo(Validity.REJECTED);
    assertThat(store.validity(p("/d"), t3)).isEqualTo(Validity.VALID);
    assertThat(store.read(p("/b")).exists()).isFalse();
    assertThat(store.read(p("/c")).exists()).isFalse();
    assertThat(store.read(p("/a")).value().json()).isEqualTo("9");

    // Then the breaker itself is broken (a write on /e below it): t1 and t2 come back.
    Version lateE = Version.of(t1.millis() - 1, 1, 0);
    assertThat(lateE).isLessThan(lateA);
    store.ingest(lateE, List.of(), List.of(new Write(p("/e"), json("0"))));
    assertThat(store.validity(p("/a"), lateA)).isEqualTo(Validity.REJECTED);
    assertThat(store.validity(p("/b"), t1)).isEqualTo(Validity.VALID);
    assertThat(store.validity(p("/c"), t2)).isEqualTo(Validity.VALID);
    assertThat(store.read(p("/c")).value().json()).isEqualTo("2");
    assertThat(store.read(p("/a")).exists()).isFalse();
  }

  @Test
  void ingestRefusesLocksAtOrAboveItsVersionAndVersionsFarAhead() {
    Version v = Version.of(millis.get() + 1_000, 0, 5);
    Version above = Version.of(millis.get() + 2_000, 0, 5);
    for (Version read : List.of(v, above)) {
      assertThatThrownBy(
              () ->
                  store.ingest(
                      v,
                      List.of(ReadLock.value(p("/r"), read)),
                      List.of(new Write(p("/w"), json("1")))))
          .extracting(e -> ((QuerysubException) e).code())
          .isEqualTo(ErrorCode.BAD_REQUEST);
    }
    Version farAhead = Version.of(millis.get() + 61_000, 0, 5);
    assertThatThrownBy(
            () -> store.ingest(farAhead, List.of(), List.of(new Write(p("/w"), json("1")))))
        .extracting(e -> ((QuerysubException) e).code())
        .isEqualTo(ErrorCode.VERSION_INVALID);
    assertThat(store.read(p("/w")).exists()).isFalse();
    assertThat(store.clock().now().millis()).isLessThan(millis.get() + 1_000);
  }

  @Test
  void childrenLockFromBehindTheHorizonSeesAKeyRemovedAfterIt() {
    put("/u/x/k", "1");
    ReadLock lock =
        ReadLock.children(p("/u/x"), store.children(p("/u/x"), null, 10, false).readVersion());
    store.commit(List.of(), List.of(Write.delete(p("/u/x/k"))));
    put("/u/x/other", "1");
    store.commit(List.of(), List.of(Write.delete(p("/u/x/other"))));
    millis.addAndGet(61_000);
    store.advanceGolden();
    assertThat(store.commit(List.of(lock), List.of()).isValid())
        .as("k was removed after the listing, even though its history is trimmed away")
        .isFalse();
  }

  @Test
  void childrenLockFromBehindTheHorizonKeepsWhenOnlyAValueChanged() {
    put("/u/y/k", "1");
    ReadLock lock =
        ReadLock.children(p("/u/y"), store.children(p("/u/y"), null, 10, false).readVersion());
    put("/u/y/k", "2");
    put("/u/y/k", "3");
    millis.addAndGet(61_000);
    store.advanceGolden();
    assertThat(store.commit(List.of(lock), List.of()).isValid()).isTrue();
  }

  @Test
  void goldenDeletesAreForgottenWithTheirEntries() {
    int before = store.pathCount();
    put("/calls/c1/args", "{}");
    Version deleted = store.commit(List.of(), List.of(Write.delete(p("/calls/c1/args")))).version();
    assertThat(store.read(p("/calls/c1/args")).version()).isEqualTo(deleted);
    millis.addAndGet(61_000);
    store.advanceGolden();
    assertThat(store.read(p("/calls/c1/args")))
        .isEqualTo(new ReadResult(p("/calls/c1/args"), Value.ABSENT, Version.ZERO));
    assertThat(store.pathCount()).isEqualTo(before);
    assertThat(store.children(Path.ROOT, null, 10, false).children()).isEmpty();
  }

  @Test
  void ingestOfAStoredVersionChangesNothing() {
    Version v = Version.of(millis.get() + 5_000, 0, 5);
    CommitResult first = store.ingest(v, List.of(), List.of(new Write(p("/i"), json("1"))));
    CommitResult again = store.ingest(v, List.of(), List.of(new Write(p("/i"), json("2"))));
    assertThat(again).isEqualTo(first);
    assertThat(store.read(p("/i")).value().json()).isEqualTo("1");
    assertThat(store.clock().now()).as("the clock merged the ingested version").isGreaterThan(v);
  }
}
