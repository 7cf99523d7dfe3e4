package io.querysub.core.data;

import io.querysub.core.perm.DataAccess;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.ReadLock;
import io.querysub.engine.store.ReadResult;
import io.querysub.engine.store.Store;
import io.querysub.engine.version.Version;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The data a permission condition reads: the store's current values. For a commit it also keeps
 * each read as a lock ({@link #locks}), so the commit is rejected if that data changed before it
 * was applied: a write allowed by data that changed concurrently is never let through. Not
 * thread-safe: one per check.
 */
final class StoreAccess implements DataAccess {
  /** Most locks {@link LockCache} keeps before it starts again. */
  static final int CACHE_LIMIT = 1 << 16;

  /**
   * The locks conditions took lately, by path, so commits that read the same unchanged data (one
   * member's membership, at every message they write) share one lock object. A commit keeps its
   * locks until it is golden (the change window, a minute by default): at thousands of commits a
   * second a fresh lock and path per commit kept the old generation busy. Bounded: past {@link
   * #CACHE_LIMIT} entries it is cleared. Thread-safe.
   */
  static final class LockCache {
    private final ConcurrentHashMap<Path, ReadLock> locks = new ConcurrentHashMap<>();

    ReadLock lock(Path path, Version version) {
      ReadLock l = locks.get(path);
      if (l != null && l.readVersion().equals(version)) {
        return l;
      }
      if (locks.size() >= CACHE_LIMIT) {
        locks.clear();
      }
      l = ReadLock.value(path, version);
      locks.put(path, l);
      return l;
    }

    int size() {
      return locks.size();
    }
  }

  private final Store store;
  private final List<ReadLock> locks;
  private final LockCache cache;
  private final Consumer<Path> seen;

  private StoreAccess(Store store, List<ReadLock> locks, LockCache cache, Consumer<Path> seen) {
    this.store = store;
    this.locks = locks;
    this.cache = cache;
    this.seen = seen;
  }

  /** Reads without locking (reads, watches). */
  static StoreAccess reading(Store store) {
    return new StoreAccess(store, null, null, null);
  }

  /** Reads without locking, telling {@code seen} every path read (watches that follow data). */
  static StoreAccess reading(Store store, Consumer<Path> seen) {
    return new StoreAccess(store, null, null, seen);
  }

  /** Reads and keeps a lock per read (commits), shared through {@code cache}. */
  static StoreAccess locking(Store store, LockCache cache) {
    return new StoreAccess(store, new ArrayList<>(2), cache, null);
  }

  private ReadResult get(Path path) {
    if (seen != null) {
      seen.accept(path);
    }
    ReadResult r = store.read(path);
    if (locks != null) {
      locks.add(cache.lock(path, r.version()));
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
