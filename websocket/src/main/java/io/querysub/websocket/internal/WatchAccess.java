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
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What of a watch the caller may read, now and as data and rules change.
 *
 * <ul>
 *   <li>A path watch is checked when it starts. While it runs, it is checked again before a change
 *       is delivered when its rule reads data (membership, say) or the rules were reloaded; once
 *       the caller may no longer read the path, the watch ends with {@code PERMISSION_DENIED}.
 *       Otherwise the batch goes out untouched, shared with every other watcher of the path.
 *   <li>A children or subtree watch delivers only the keys and values the caller may read: its
 *       snapshot is filtered, and so is every batch, against the rules in force and the data as it
 *       is when the batch is delivered.
 * </ul>
 *
 * Thread-safe: batches arrive on the watch hub's threads.
 */
final class WatchAccess {
  private final DataService data;
  private final Caller caller;

  WatchAccess(DataService data, Caller caller) {
    this.data = data;
    this.caller = caller;
  }

  /** Whether any check applies: false for the system and with permissions off. */
  boolean applies() {
    return data.permissions().applies(caller);
  }

  /**
   * The sink of a path watch: {@code deliver} while the caller may read {@code path}, {@code
   * denied} once (and nothing after) when it no longer may.
   */
  Consumer<ChangeBatch> path(Path path, Consumer<ChangeBatch> deliver, Runnable denied) {
    if (!applies()) {
      return deliver;
    }
    Permissions p = data.permissions();
    RuleSet startedWith = p.rules();
    boolean dynamic = data.readDependsOnData(caller, path);
    return new Consumer<>() {
      private volatile boolean ended;

      @Override
      public void accept(ChangeBatch b) {
        if (ended) {
          return;
        }
        if ((dynamic || p.rules() != startedWith) && !data.canRead(caller, path)) {
          ended = true;
          denied.run();
          return;
        }
        deliver.accept(b);
      }
    };
  }

  /** The sink of a children or subtree watch: each batch without what the caller may not read. */
  Consumer<ChangeBatch> filtered(Consumer<ChangeBatch> deliver) {
    if (!applies()) {
      return deliver;
    }
    return b -> {
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
      boolean ok = data.canRead(caller, c.path());
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
    if (!applies()) {
      return page;
    }
    List<ChildrenPage.Child> kept = new ArrayList<>(page.children().size());
    for (ChildrenPage.Child c : page.children()) {
      if (data.canRead(caller, page.parent().child(c.key()))) {
        kept.add(c);
      }
    }
    return kept.size() == page.children().size()
        ? page
        : new ChildrenPage(page.parent(), kept, page.readVersion(), page.next());
  }

  /** A subtree snapshot without the values the caller may not read. */
  Subtree subtree(Subtree s) {
    if (!applies()) {
      return s;
    }
    List<Subtree.Entry> kept = new ArrayList<>(s.entries().size());
    for (Subtree.Entry e : s.entries()) {
      if (data.canRead(caller, e.path())) {
        kept.add(e);
      }
    }
    return kept.size() == s.entries().size() ? s : new Subtree(s.root(), kept, s.readVersion());
  }
}
