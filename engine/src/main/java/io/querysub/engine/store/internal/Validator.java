package io.querysub.engine.store.internal;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.Conflict;
import io.querysub.engine.store.ReadLock;
import io.querysub.engine.store.Validity;
import io.querysub.engine.version.Version;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates read locks against the stored history (docs/model.md): a lock {@code (p, r, e)} holds
 * when the write at {@code r} exists and is valid (or {@code r} is zero) and no valid write on
 * {@code p} lies strictly between {@code r} and {@code e}; a children lock holds when no valid
 * write in that interval adds or removes a child key.
 *
 * <p>The caller holds the locks that guard every path involved (see {@code Store}).
 */
public final class Validator {
  private final PathTree tree;
  private final int shardDepth;

  public Validator(PathTree tree, int shardDepth) {
    this.tree = tree;
    this.shardDepth = shardDepth;
  }

  /** The first broken lock of a commit at version {@code end}, or null when all hold. */
  public Conflict check(ReadLock[] locks, Version end) {
    for (ReadLock l : locks) {
      Conflict c = l.children() ? checkChildren(l, end) : checkValue(l, end);
      if (c != null) {
        return c;
      }
    }
    return null;
  }

  /**
   * The same check for a commit whose version is above every stored version, using only each path's
   * current write: a value lock holds exactly when the current write is the one read.
   */
  public Conflict checkAtNow(List<ReadLock> locks, PathEntry[] entries, Version end) {
    for (int i = 0; i < entries.length; i++) {
      ReadLock l = locks.get(i);
      Conflict c;
      if (l.children()) {
        c = checkChildren(l, end);
      } else {
        PathEntry e = entries[i];
        StoredWrite cur = e == null ? null : e.current;
        Version seen = cur == null ? Version.ZERO : cur.commit.version;
        int cmp = seen.compareTo(l.readVersion());
        if (cmp == 0) {
          c = null;
        } else if (cmp > 0) {
          c = new Conflict(l.path(), seen, false, "the value changed after it was read");
        } else {
          // The current write is older than the one read: that one is missing or not valid.
          c = checkValue(l, end);
        }
      }
      if (c != null) {
        return c;
      }
    }
    return null;
  }

  private Conflict checkValue(ReadLock l, Version end) {
    PathEntry e = tree.get(l.path());
    Version r = l.readVersion();
    if (!r.isZero()) {
      int i = e == null ? -1 : e.find(r);
      if (i < 0) {
        return new Conflict(l.path(), r, false, "the write that was read does not exist");
      }
      if (e.history[i].commit.state != Validity.VALID) {
        return new Conflict(l.path(), r, false, "the write that was read was rejected");
      }
    }
    if (e == null) {
      return null;
    }
    for (int j = e.firstAfter(r); j < e.size; j++) {
      StoredWrite w = e.history[j];
      if (w.compareTo(end) >= 0) {
        break;
      }
      if (w.commit.state == Validity.VALID) {
        return new Conflict(
            l.path(), w.commit.version, false, "the value changed after it was read");
      }
    }
    return null;
  }

  private Conflict checkChildren(ReadLock l, Version end) {
    Version broke = childrenChanged(l.path(), l.readVersion(), end);
    return broke == null
        ? null
        : new Conflict(l.path(), broke, true, "the child keys changed after they were listed");
  }

  /**
   * The version of a valid write in {@code (r, end)} that added or removed a child key of {@code
   * parent}, or null. Walks back from the current state through the writes above {@code r} only, so
   * its cost follows the recent writes under {@code parent}, not the size of the subtree.
   */
  public Version childrenChanged(Path parent, Version r, Version end) {
    PathEntry p = tree.get(parent);
    if (p == null) {
      // Never written, or forgotten once everything under it was golden and gone: the nearest
      // remaining ancestor remembers whether anything forgotten changed above r.
      Path a = parent;
      PathEntry kept = null;
      while (kept == null) {
        a = a.parent();
        kept = tree.get(a);
      }
      Version forgotten = kept.removedBelow;
      return forgotten != null && forgotten.compareTo(r) > 0 ? forgotten : null;
    }
    if (!p.mayHaveWritesAbove(r, shardDepth)) {
      return null;
    }
    if (p.removedBelow != null
        && p.removedBelow.compareTo(r) > 0
        && p.removedBelow.compareTo(end) < 0) {
      return p.removedBelow; // a key that changed above r was forgotten: judged as broken
    }
    if (p.children == null) {
      return null;
    }
    for (PathEntry child : p.children.values()) {
      if (parent.isRoot() && child.path.isSystem()) {
        continue; // system keys are not children of the root
      }
      if (child.mayHaveWritesAbove(r, shardDepth)) {
        Version v = keyToggled(child, r, end);
        if (v != null) {
          return v;
        }
      }
    }
    return null;
  }

  private record Event(Version version, int delta) {}

  private Version keyToggled(PathEntry key, Version r, Version end) {
    List<Event> events = new ArrayList<>();
    Version unknown = collect(key, r, events, null);
    if (unknown != null) {
      // A presence change above r was trimmed away (the lock reads from behind the horizon):
      // it can no longer be judged exactly, so it counts as broken.
      return unknown;
    }
    if (events.isEmpty()) {
      return null;
    }
    events.sort((a, b) -> b.version.compareTo(a.version));
    // Walk back from the current count; check each version inside (r, end) for a toggle.
    int count = key.live;
    int i = 0;
    while (i < events.size()) {
      Version v = events.get(i).version;
      int delta = 0;
      while (i < events.size() && events.get(i).version.equals(v)) {
        delta += events.get(i).delta;
        i++;
      }
      int before = count - delta;
      if (v.compareTo(end) < 0 && (count > 0) != (before > 0)) {
        return v;
      }
      count = before;
    }
    return null;
  }

  /**
   * Presence changes (+1 / -1) made by valid writes above {@code r} at or below {@code e}; returns
   * the highest trimmed presence change above {@code r} found on the way (or {@code unknown}).
   */
  private Version collect(PathEntry e, Version r, List<Event> events, Version unknown) {
    for (Version t : new Version[] {e.trimmedToggle, e.removedBelow}) {
      if (t != null && t.compareTo(r) > 0 && (unknown == null || t.compareTo(unknown) > 0)) {
        unknown = t;
      }
    }
    for (int j = e.firstAfter(r); j < e.size; j++) {
      StoredWrite w = e.history[j];
      if (w.commit.state != Validity.VALID) {
        continue;
      }
      boolean before = e.presentBefore(j);
      boolean after = w.isPresent();
      if (before != after) {
        events.add(new Event(w.commit.version, after ? 1 : -1));
      }
    }
    if (e.children != null) {
      for (PathEntry c : e.children.values()) {
        if (c.mayHaveWritesAbove(r, shardDepth)) {
          unknown = collect(c, r, events, unknown);
        }
      }
    }
    return unknown;
  }
}
