package io.querysub.websocket.internal;

import io.querysub.core.auth.Caller;
import io.querysub.core.data.DataService;
import io.querysub.core.perm.Permissions;
import io.querysub.core.perm.RuleSet;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.ChildrenPage;
import io.querysub.engine.store.Subtree;
import io.querysub.engine.watch.Change;
import io.querysub.engine.watch.ChangeBatch;
import io.querysub.engine.watch.Watch;
import io.querysub.engine.watch.WatchHub;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a children or subtree watch may carry for its caller, now and as data and rules change. Its
 * snapshot and every batch are filtered by the read rule of each key and value. The data those
 * decisions read (a membership, say) is watched too: when it changes, or the rules are reloaded,
 * {@code restart} runs once (on the executor), and the connection sends the watch a new snapshot,
 * so a key that became readable appears with its current value and one that did not any more
 * disappears.
 *
 * <p>At most {@link #MAX_FOLLOWED} data paths are followed per watch; decisions that read more are
 * still right for every batch, but a change of those paths alone sends no new snapshot.
 * Thread-safe: batches arrive on the watch hub's threads.
 */
final class FilteredScope {
  /** Most data paths one watch follows. */
  static final int MAX_FOLLOWED = 1000;

  private final DataService data;
  private final Caller caller;
  private final Supplier<WatchHub> hub;
  private final Executor executor;
  private final Runnable restart; // null: a one-time watch, which follows nothing
  private final Set<Path> followed = ConcurrentHashMap.newKeySet();
  private final List<Watch> watches = new CopyOnWriteArrayList<>();
  private final AtomicBoolean restartPending = new AtomicBoolean();
  private volatile RuleSet rules;
  private volatile boolean closed;

  /**
   * @param restart what starts the watch over when data its decisions read or the rules change;
   *     null for a one-time watch (its snapshot is filtered, and nothing is followed)
   */
  FilteredScope(
      DataService data,
      Caller caller,
      Supplier<WatchHub> hub,
      Executor executor,
      Runnable restart) {
    this.data = data;
    this.caller = caller;
    this.hub = hub;
    this.executor = executor;
    this.restart = restart;
    this.rules = data.permissions().rules();
  }

  /** Whether any filtering applies: false for the system and with permissions off. */
  static boolean needed(DataService data, Caller caller) {
    return data.permissions().applies(caller);
  }

  /** The sink of the watch: each batch without what the caller may not read. */
  Consumer<ChangeBatch> sink(Consumer<ChangeBatch> deliver) {
    return b -> {
      Permissions p = data.permissions();
      if (p.rules() != rules) {
        rules = p.rules();
        changed(); // what the rules allow may differ for keys this batch does not touch
      }
      ChangeBatch kept = filter(b);
      if (kept != null) {
        deliver.accept(kept);
      }
    };
  }

  /** {@code b} itself when the caller may read all of it, the readable part, or null for none. */
  ChangeBatch filter(ChangeBatch b) {
    List<Change> kept = null;
    List<Change> all = b.changes();
    for (int i = 0; i < all.size(); i++) {
      Change c = all.get(i);
      boolean ok = readable(c.path());
      if (!ok && kept == null) {
        kept = new ArrayList<>(all.subList(0, i));
      } else if (ok && kept != null) {
        kept.add(c);
      }
    }
    if (kept == null) {
      return b;
    }
    return kept.isEmpty() ? null : new ChangeBatch(b.version(), kept);
  }

  /** A children snapshot without the keys the caller may not read. */
  ChildrenPage children(ChildrenPage page) {
    List<ChildrenPage.Child> kept = new ArrayList<>(page.children().size());
    for (ChildrenPage.Child c : page.children()) {
      if (readable(page.parent().child(c.key()))) {
        kept.add(c);
      }
    }
    return kept.size() == page.children().size()
        ? page
        : new ChildrenPage(page.parent(), kept, page.readVersion(), page.next());
  }

  /** A subtree snapshot without the values the caller may not read. */
  Subtree subtree(Subtree s) {
    List<Subtree.Entry> kept = new ArrayList<>(s.entries().size());
    for (Subtree.Entry e : s.entries()) {
      if (readable(e.path())) {
        kept.add(e);
      }
    }
    return kept.size() == s.entries().size() ? s : new Subtree(s.root(), kept, s.readVersion());
  }

  private boolean readable(Path path) {
    return data.canRead(caller, path, this::follow);
  }

  /** Watches a data path a decision read, once, from the executor (not the hub's thread). */
  private void follow(Path dep) {
    if (restart == null || closed || followed.size() >= MAX_FOLLOWED || !followed.add(dep)) {
      return;
    }
    executor.execute(
        () -> {
          if (closed) {
            return;
          }
          Watch w = hub.get().watchPath(dep, b -> changed()).watch();
          watches.add(w);
          if (closed) {
            w.close();
          }
        });
  }

  /** Data a decision read, or the rules, changed: one restart, however many changes come. */
  private void changed() {
    if (restart == null || closed || !restartPending.compareAndSet(false, true)) {
      return;
    }
    executor.execute(
        () -> {
          restartPending.set(false);
          if (!closed) {
            rules = data.permissions().rules();
            restart.run();
          }
        });
  }

  /** Stops following data: the watch ended. */
  void close() {
    closed = true;
    for (Watch w : watches) {
      w.close();
    }
  }
}
