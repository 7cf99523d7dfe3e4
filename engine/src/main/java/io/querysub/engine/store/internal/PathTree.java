package io.querysub.engine.store.internal;

import io.querysub.engine.path.Path;
import io.querysub.engine.version.Version;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every path that was written or locked, by path, each linked to its parent and listed among its
 * parent's children. Entries are created on first use and never replaced, so a reference to one
 * stays good. Safe from any thread.
 */
public final class PathTree {
  private final ConcurrentHashMap<Path, PathEntry> entries = new ConcurrentHashMap<>(1 << 16);
  private final PathEntry root = new PathEntry(Path.ROOT, null);

  public PathTree() {
    entries.put(Path.ROOT, root);
  }

  /** The entry of {@code path}, or null when nothing was ever written or locked there. */
  public PathEntry get(Path path) {
    return entries.get(path);
  }

  public PathEntry root() {
    return root;
  }

  /** The entry of {@code path}, created with its ancestors when missing. */
  public PathEntry getOrCreate(Path path) {
    PathEntry e = entries.get(path);
    if (e != null) {
      return e;
    }
    PathEntry parent = getOrCreate(path.parent());
    e = entries.computeIfAbsent(path, p -> new PathEntry(p, parent));
    parent.childMap().putIfAbsent(path.last(), e);
    return e;
  }

  /**
   * Forgets {@code e} and then its ancestors while they hold nothing: no history, no children, no
   * lockers. Entries made only because a commit locked a path that was never written go this way
   * once the commit is golden. The caller holds the store's exclusive lock.
   */
  void removeIfEmpty(PathEntry e) {
    while (e != root && e.isEmpty()) {
      entries.remove(e.path, e);
      e.parent.children.remove(e.path.last(), e);
      e.parent.removedBelow = later(e.parent.removedBelow, later(e.trimmedToggle, e.removedBelow));
      e = e.parent;
    }
  }

  private static Version later(Version a, Version b) {
    return a == null ? b : b == null || a.compareTo(b) >= 0 ? a : b;
  }

  public int size() {
    return entries.size();
  }
}
