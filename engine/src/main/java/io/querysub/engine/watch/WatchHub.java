package io.querysub.engine.watch;

import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.ChildrenPage;
import io.querysub.engine.store.ReadResult;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.Subtree;
import io.querysub.engine.version.Version;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Routes a store's change feed to watches of a path, of a path's children, or of a subtree. A watch
 * starts from a snapshot and then hears every later commit inside its scope exactly once, in
 * version order: it is registered before the snapshot is read, and batches at or below the
 * snapshot's version are dropped, so nothing falls between the two and nothing comes twice.
 *
 * <p>Threading: safe from any thread. Sinks are called on the thread that publishes a commit (a
 * committing thread), never two at once for one watch; a sink must only enqueue.
 */
public final class WatchHub implements ChangeListener {
  private final Store store;
  private final Map<Path, Set<WatchImpl>> byPath = new ConcurrentHashMap<>();
  private final Map<Path, Set<WatchImpl>> byParent = new ConcurrentHashMap<>();
  private final Map<Path, Set<WatchImpl>> bySubtree = new ConcurrentHashMap<>();
  private final AtomicInteger count = new AtomicInteger();

  /** A started watch and the state it starts from. */
  public record Started<T>(Watch watch, T snapshot) {}

  public WatchHub(Store store) {
    this.store = store;
    store.addListener(this);
  }

  /** Watches one path's value; the snapshot is its current value and version. */
  public Started<ReadResult> watchPath(Path path, Consumer<ChangeBatch> sink) {
    WatchImpl w = register(Watch.Scope.PATH, path, sink, byPath);
    try {
      ReadResult r = store.read(path);
      w.start(r.version());
      return new Started<>(w, r);
    } catch (RuntimeException e) {
      w.close();
      throw e;
    }
  }

  /**
   * Watches the direct children of {@code path}: their values and which keys exist. The snapshot
   * lists every key with its value.
   *
   * @throws QuerysubException {@code LIMIT_EXCEEDED} when there are more than {@code maxKeys}
   */
  public Started<ChildrenPage> watchChildren(Path path, int maxKeys, Consumer<ChangeBatch> sink) {
    WatchImpl w = register(Watch.Scope.CHILDREN, path, sink, byParent);
    try {
      ChildrenPage page = store.children(path, null, maxKeys, true);
      if (page.next() != null) {
        throw new QuerysubException(
            ErrorCode.LIMIT_EXCEEDED,
            "more than " + maxKeys + " child keys to watch",
            path.toString());
      }
      w.start(page.readVersion());
      return new Started<>(w, page);
    } catch (RuntimeException e) {
      w.close();
      throw e;
    }
  }

  /**
   * Watches every value at or below {@code path}.
   *
   * @throws QuerysubException {@code LIMIT_EXCEEDED} when it holds more than {@code maxPaths}
   */
  public Started<Subtree> watchSubtree(Path path, int maxPaths, Consumer<ChangeBatch> sink) {
    WatchImpl w = register(Watch.Scope.SUBTREE, path, sink, bySubtree);
    try {
      Subtree s = store.subtree(path, maxPaths);
      w.start(s.readVersion());
      return new Started<>(w, s);
    } catch (RuntimeException e) {
      w.close();
      throw e;
    }
  }

  /** How many watches are open. */
  public int watchCount() {
    return count.get();
  }

  private WatchImpl register(
      Watch.Scope scope, Path path, Consumer<ChangeBatch> sink, Map<Path, Set<WatchImpl>> index) {
    WatchImpl w = new WatchImpl(scope, path, sink, index);
    // compute/computeIfPresent run atomically per key, so a set emptied by a closing watch is
    // never dropped while a new watch is being added to it.
    index.compute(
        path,
        (p, set) -> {
          Set<WatchImpl> s = set == null ? ConcurrentHashMap.newKeySet() : set;
          s.add(w);
          return s;
        });
    count.incrementAndGet();
    return w;
  }

  /**
   * Routes a commit to the watches in its scope. Every watch in one index set has the same scope
   * and path and so hears the same changes: the changes are routed to sets, and all the watches of
   * a set get one shared batch (so a thousand watchers of one path cost one list and one encoding).
   */
  @Override
  public void onCommit(ChangeBatch batch) {
    Map<Set<WatchImpl>, List<Change>> routed = new IdentityHashMap<>();
    for (Change c : batch.changes()) {
      Path p = c.path();
      // System keys are not children of the root.
      boolean child = !p.isRoot() && !(p.size() == 1 && p.isSystem());
      if (c.kind() == Change.Kind.VALUE) {
        route(byPath.get(p), c, routed);
        if (child) {
          route(byParent.get(p.parent()), c, routed);
        }
        for (Path a = p; ; a = a.parent()) {
          route(bySubtree.get(a), c, routed);
          if (a.isRoot()) {
            break;
          }
        }
      } else if (child) {
        route(byParent.get(p.parent()), c, routed);
      }
    }
    for (Map.Entry<Set<WatchImpl>, List<Change>> e : routed.entrySet()) {
      List<Change> changes = e.getValue();
      ChangeBatch shared =
          changes.size() == batch.changes().size()
              ? batch
              : new ChangeBatch(batch.version(), changes);
      for (WatchImpl w : e.getKey()) {
        w.deliver(shared);
      }
    }
  }

  private static void route(
      Set<WatchImpl> watches, Change c, Map<Set<WatchImpl>, List<Change>> out) {
    if (watches != null && !watches.isEmpty()) {
      out.computeIfAbsent(watches, k -> new ArrayList<>(2)).add(c);
    }
  }

  private final class WatchImpl implements Watch {
    final Scope scope;
    final Path path;
    private final Consumer<ChangeBatch> sink;
    private final Map<Path, Set<WatchImpl>> index;
    private volatile Version base; // null until the snapshot is read
    private List<ChangeBatch> early = new ArrayList<>();
    private boolean closed;

    WatchImpl(Scope scope, Path path, Consumer<ChangeBatch> sink, Map<Path, Set<WatchImpl>> index) {
      this.scope = scope;
      this.path = path;
      this.sink = sink;
      this.index = index;
    }

    /** Sets the snapshot's version and hands over batches that arrived while it was read. */
    synchronized void start(Version snapshotVersion) {
      base = snapshotVersion;
      List<ChangeBatch> pending = early;
      early = null;
      for (ChangeBatch b : pending) {
        deliver(b);
      }
    }

    synchronized void deliver(ChangeBatch b) {
      if (closed) {
        return;
      }
      if (base == null) {
        early.add(b);
      } else if (b.version().compareTo(base) > 0) {
        sink.accept(b);
      }
    }

    @Override
    public Scope scope() {
      return scope;
    }

    @Override
    public Path path() {
      return path;
    }

    @Override
    public Version baseVersion() {
      return base;
    }

    @Override
    public void close() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
        early = null;
      }
      index.computeIfPresent(
          path,
          (p, set) -> {
            set.remove(this);
            return set.isEmpty() ? null : set;
          });
      count.decrementAndGet();
    }
  }
}
