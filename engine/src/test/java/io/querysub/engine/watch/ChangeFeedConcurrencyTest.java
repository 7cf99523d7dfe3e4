package io.querysub.engine.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.CommitResult;
import io.querysub.engine.store.ReadLock;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.StoreOptions;
import io.querysub.engine.store.Subtree;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import io.querysub.engine.version.HybridClock;
import io.querysub.engine.version.Version;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Concurrent writers on many shards, a listener of the whole feed, and watches started while the
 * writes run: the feed must deliver every committed version once, in increasing order, and each
 * watch's snapshot plus what it heard must rebuild exactly the store's final state in its scope.
 * Prints its seed; rerun one with {@code -Dfeed.seed=N}.
 */
class ChangeFeedConcurrencyTest {
  private static final int THREADS = 4;
  private static final int COMMITS_PER_THREAD = 3_000;

  @Test
  void everyCommitOnceInOrderAndWatchesRebuildTheState() throws Exception {
    long seed = Long.getLong("feed.seed", System.nanoTime());
    System.out.println("ChangeFeedConcurrencyTest seed=" + seed);
    Store store = new Store(StoreOptions.DEFAULTS, new HybridClock(1));
    WatchHub hub = new WatchHub(store);
    List<Version> feed = Collections.synchronizedList(new ArrayList<>());
    store.addListener(b -> feed.add(b.version()));
    Map<Version, List<Write>> committed = new ConcurrentHashMap<>();

    List<Recorder> watches = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch halfway = new CountDownLatch(THREADS);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Random rnd = new Random(seed + t);
      Thread th =
          new Thread(
              () -> {
                for (int i = 0; i < COMMITS_PER_THREAD; i++) {
                  if (i == COMMITS_PER_THREAD / 2) {
                    halfway.countDown();
                  }
                  commitRandom(store, rnd, committed);
                }
              });
      threads.add(th);
      th.start();
    }
    // Start watches while the writers run.
    halfway.await();
    watches.add(Recorder.subtree(hub, Path.ROOT));
    watches.add(Recorder.subtree(hub, Path.parse("/s3")));
    watches.add(Recorder.children(hub, Path.parse("/s5/k1")));
    watches.add(Recorder.path(hub, Path.parse("/s7/k2/v")));
    for (Thread th : threads) {
      th.join();
    }

    assertThat(feed).as("strictly increasing").isSortedAccordingTo(Version::compareTo);
    assertThat(new TreeSet<>(feed)).hasSize(feed.size());
    assertThat(new TreeSet<>(feed)).isEqualTo(new TreeSet<>(committed.keySet()));

    Subtree finalState = store.subtree(Path.ROOT, 1_000_000);
    for (Recorder r : watches) {
      r.check(finalState, committed);
    }
    System.out.println(
        "ChangeFeedConcurrencyTest commits="
            + committed.size()
            + " batches="
            + feed.size()
            + " rootWatchHeard="
            + watches.get(0).heard.size());
  }

  private static void commitRandom(Store store, Random rnd, Map<Version, List<Write>> out) {
    List<Write> writes = new ArrayList<>();
    int n = 1 + rnd.nextInt(3);
    TreeSet<Path> paths = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      paths.add(
          Path.parse(
              "/s" + rnd.nextInt(8) + "/k" + rnd.nextInt(3) + (rnd.nextBoolean() ? "/v" : "/w")));
    }
    List<ReadLock> locks = new ArrayList<>();
    for (Path p : paths) {
      if (rnd.nextInt(3) == 0) {
        locks.add(ReadLock.value(p, store.read(p).version()));
      }
      writes.add(
          rnd.nextInt(5) == 0
              ? Write.delete(p)
              : new Write(p, Value.ofJson(Integer.toString(rnd.nextInt(1000)))));
    }
    CommitResult r = store.commit(locks, writes);
    if (r.isValid()) {
      out.put(r.version(), writes);
    }
  }

  /** A watch's snapshot and every batch it heard, rebuilt into the state of its scope. */
  static final class Recorder {
    final Watch.Scope scope;
    final Path path;
    final TreeMap<Path, Value> state = new TreeMap<>();
    final List<ChangeBatch> heard = Collections.synchronizedList(new ArrayList<>());
    Version base;

    Recorder(Watch.Scope scope, Path path) {
      this.scope = scope;
      this.path = path;
    }

    static Recorder subtree(WatchHub hub, Path p) {
      Recorder r = new Recorder(Watch.Scope.SUBTREE, p);
      var s = hub.watchSubtree(p, 1_000_000, r.heard::add);
      s.snapshot().entries().forEach(e -> r.state.put(e.path(), e.value()));
      r.base = s.watch().baseVersion();
      return r;
    }

    static Recorder children(WatchHub hub, Path p) {
      Recorder r = new Recorder(Watch.Scope.CHILDREN, p);
      var s = hub.watchChildren(p, 1_000, r.heard::add);
      s.snapshot().children().forEach(c -> r.state.put(p.child(c.key()), c.value()));
      r.base = s.watch().baseVersion();
      return r;
    }

    static Recorder path(WatchHub hub, Path p) {
      Recorder r = new Recorder(Watch.Scope.PATH, p);
      var s = hub.watchPath(p, r.heard::add);
      r.state.put(p, s.snapshot().value());
      r.base = s.watch().baseVersion();
      return r;
    }

    void check(Subtree finalState, Map<Version, List<Write>> committed) {
      List<Version> versions = new ArrayList<>();
      for (ChangeBatch b : heard) {
        versions.add(b.version());
        assertThat(b.version())
            .as(scope + " " + path + " hears only above its base")
            .isGreaterThan(base);
        for (Change c : b.changes()) {
          if (c.kind() == Change.Kind.VALUE) {
            state.put(c.path(), c.value());
          } else if (c.kind() == Change.Kind.KEY_ADDED) {
            state.putIfAbsent(c.path(), Value.ABSENT);
          }
        }
      }
      assertThat(versions).isSortedAccordingTo(Version::compareTo);
      assertThat(new TreeSet<>(versions)).hasSize(versions.size());

      // Every committed version above the base that touched the scope was heard.
      TreeSet<Version> expected = new TreeSet<>();
      committed.forEach(
          (v, ws) -> {
            if (v.compareTo(base) > 0 && ws.stream().anyMatch(w -> inScope(w.path()))) {
              expected.add(v);
            }
          });
      if (scope != Watch.Scope.CHILDREN) {
        assertThat(new TreeSet<>(versions)).as(scope + " " + path).isEqualTo(expected);
      }

      Map<Path, Value> want = new HashMap<>();
      for (Subtree.Entry e : finalState.entries()) {
        if (inScope(e.path())) {
          want.put(e.path(), e.value());
        }
      }
      Map<Path, Value> have = new HashMap<>();
      state.forEach(
          (p, v) -> {
            if (!v.isAbsent() && inScope(p)) {
              have.put(p, v);
            }
          });
      assertThat(have).as(scope + " " + path + " rebuilt state").isEqualTo(want);
    }

    private boolean inScope(Path p) {
      return switch (scope) {
        case PATH -> p.equals(path);
        case SUBTREE -> path.contains(p);
        case CHILDREN -> !p.isRoot() && p.parent().equals(path);
      };
    }
  }
}
