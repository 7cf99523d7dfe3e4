package io.querysub.core.data;

import io.querysub.core.perm.DataAccess;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.ReadLock;
import io.querysub.engine.store.ReadResult;
import io.querysub.engine.store.Store;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * The data a permission condition reads: the store's current values. For a commit it also keeps
 * each read as a lock ({@link #locks}), so the commit is rejected if that data changed before it
 * was applied: a write allowed by data that changed concurrently is never let through. Not
 * thread-safe: one per check.
 */
final class StoreAccess implements DataAccess {
  private final Store store;
  private final List<ReadLock> locks;

  private StoreAccess(Store store, List<ReadLock> locks) {
    this.store = store;
    this.locks = locks;
  }

  /** Reads without locking (reads, watches). */
  static StoreAccess reading(Store store) {
    return new StoreAccess(store, null);
  }

  /** Reads and keeps a lock per read (commits). */
  static StoreAccess locking(Store store) {
    return new StoreAccess(store, new ArrayList<>(2));
  }

  private ReadResult get(Path path) {
    ReadResult r = store.read(path);
    if (locks != null) {
      locks.add(ReadLock.value(path, r.version()));
    }
    return r;
  }

  @Override
  public JsonValue read(Path path) {
    return JsonText.parse(get(path).value());
  }

  @Override
  public boolean exists(Path path) {
    return get(path).exists();
  }

  /** The locks of the reads made so far (empty when reading without locks). */
  List<ReadLock> locks() {
    return locks == null ? List.of() : locks;
  }
}
