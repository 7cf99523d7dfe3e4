package io.querysub.websocket.internal;

import io.querysub.core.auth.Caller;
import io.querysub.core.data.DataService;
import io.querysub.core.perm.Permissions;
import io.querysub.core.perm.RuleSet;
import io.querysub.engine.path.Path;
import io.querysub.engine.watch.ChangeBatch;
import java.util.function.Consumer;

/**
 * Whether a path watch's caller may still read its path, as data and rules change.
 *
 * <p>A path watch is checked when it starts. While it runs, it is checked again before a change is
 * delivered when its rule reads data (membership, say) or the rules were reloaded; once the caller
 * may no longer read the path, the watch ends with {@code PERMISSION_DENIED}. Otherwise the batch
 * goes out untouched, shared with every other watcher of the path. (Children and subtree watches:
 * {@link FilteredScope}.)
 *
 * <p>Thread-safe: batches arrive on the watch hub's threads.
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
}
