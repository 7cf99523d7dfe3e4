package io.querysub.engine.store.internal;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.CommitResult;
import io.querysub.engine.store.Conflict;
import io.querysub.engine.store.GoldenSink;
import io.querysub.engine.store.ReadLock;
import io.querysub.engine.store.Validity;
import io.querysub.engine.store.Write;
import io.querysub.engine.version.Version;
import io.querysub.engine.watch.Change;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * Stores commits into the path tree and keeps every commit's validity right: a new commit is
 * evaluated against the history below its version, and a commit whose validity flips re-evaluates,
 * in version order, every commit whose locks cover it (cascading rejection and un-rejection).
 * Evaluation in version order is well-founded because a lock only looks below its own commit.
 *
 * <p>Threading: the caller holds the commit locks of every path involved, or the store's exclusive
 * lock for {@link #ingest}, {@link #validity} and {@link #makeGolden}.
 */
public final class CommitLog {
  private static final PathEntry[] NO_ENTRIES = new PathEntry[0];
  private static final StoredWrite[] NO_WRITES = new StoredWrite[0];

  private final PathTree tree;
  private final Validator validator;
  private final ConcurrentLinkedQueue<CommitRecord> open = new ConcurrentLinkedQueue<>();
  private final LongAdder openCount = new LongAdder();
  private volatile Version horizon = Version.ZERO;

  /**
   * Paths holding versions kept only for the history retention, with the stamp of the oldest;
   * mostly in stamp order (a later entry may wait behind an earlier one: a delay, never a leak).
   * Guarded by the store's exclusive lock.
   */
  private final ArrayDeque<Retaining> retained = new ArrayDeque<>();

  private final int shardDepth;

  public CommitLog(PathTree tree, int shardDepth) {
    this.tree = tree;
    this.shardDepth = shardDepth;
    this.validator = new Validator(tree, shardDepth);
  }

  public Validator validator() {
    return validator;
  }

  public Version horizon() {
    return horizon;
  }

  public int openCommits() {
    return openCount.intValue();
  }

  /** Stores a commit already known valid at a version above every stored one. */
  /** The entry of each lock's path, index for index; null where the path has none yet. */
  public PathEntry[] resolve(List<ReadLock> locks) {
    if (locks.isEmpty()) {
      return NO_ENTRIES;
    }
    PathEntry[] out = new PathEntry[locks.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = tree.get(locks.get(i).path());
    }
    return out;
  }

  /**
   * Stores a commit already known valid at a version above every stored one. {@code lockEntries}
   * comes from {@link #resolve} and is kept by the commit; {@code out} (when not null) hears what
   * changed.
   */
  public void appendValid(
      Version v,
      List<ReadLock> locks,
      PathEntry[] lockEntries,
      List<Write> writes,
      List<Change> out) {
    CommitRecord rec = new CommitRecord(v, locks.toArray(new ReadLock[0]), Validity.VALID);
    store(rec, writes, lockEntries, true, out);
  }

  /**
   * Stores a commit known valid (read back from the node's journal) at any version, with no locks;
   * see {@code Store.replay}. Records of one path come in version order, but current values are
   * recomputed from the history so an out-of-order record still leaves the newest one current.
   */
  public void replay(Version v, List<Write> writes) {
    PathEntry first = tree.get(writes.get(0).path());
    if (first != null && first.find(v) >= 0) {
      return;
    }
    CommitRecord rec = new CommitRecord(v, CommitRecord.NO_LOCKS, Validity.VALID);
    store(rec, writes, NO_ENTRIES, false, null);
    for (StoredWrite w : rec.writes) {
      w.entry.recomputeCurrent(null, v);
    }
  }

  /** Stores a commit at any version above the horizon and cascades; see {@code Store.ingest}. */
  public CommitResult ingest(
      Version v, List<ReadLock> locks, List<Write> writes, List<Change> out, Version now) {
    PathEntry first = tree.get(writes.get(0).path());
    if (first != null) {
      int i = first.find(v);
      if (i >= 0) {
        return result(first.history[i].commit);
      }
    }
    // Stored as rejected first (invisible), then evaluated: a flip to valid applies it.
    CommitRecord rec = new CommitRecord(v, locks.toArray(new ReadLock[0]), Validity.REJECTED);
    store(
        rec,
        writes,
        rec.locks.length == 0 ? NO_ENTRIES : new PathEntry[rec.locks.length],
        false,
        null);
    cascade(rec, out, now);
    return result(rec);
  }

  private void store(
      CommitRecord rec,
      List<Write> writes,
      PathEntry[] lockEntries,
      boolean current,
      List<Change> out) {
    ReadLock[] locks = rec.locks;
    for (int i = 0; i < lockEntries.length; i++) {
      if (lockEntries[i] == null) {
        lockEntries[i] = tree.getOrCreate(locks[i].path());
      }
    }
    rec.lockEntries = lockEntries;
    StoredWrite[] stored = new StoredWrite[writes.size()];
    for (int i = 0; i < stored.length; i++) {
      Write w = writes.get(i);
      PathEntry e = entryOf(w.path(), locks, lockEntries);
      StoredWrite sw = new StoredWrite(e, w.value(), rec);
      e.insert(sw);
      if (current) {
        e.setCurrent(sw, out, rec.version);
      }
      e.raiseSubtreeMax(rec.version, shardDepth);
      stored[i] = sw;
    }
    rec.writes = stored;
    for (int i = 0; i < lockEntries.length; i++) {
      if (needsLockerIndex(rec, i)) {
        lockEntries[i].addLocker(rec, locks[i].children());
      }
    }
    open.add(rec);
    openCount.increment();
  }

  /**
   * A value lock on a path the commit also writes needs no entry in the path's locker index: the
   * commit's own write sits in that path's history above the lock's read version, and {@link
   * #enqueueDependents} finds it there. So read-modify-writes, the common case, index nothing.
   */
  private static boolean needsLockerIndex(CommitRecord c, int lock) {
    if (c.locks[lock].children()) {
      return true;
    }
    PathEntry e = c.lockEntries[lock];
    for (StoredWrite w : c.writes) {
      if (w.entry == e) {
        return false;
      }
    }
    return true;
  }

  /** A read-modify-write usually locks the path it writes: reuse that entry, skip a lookup. */
  private PathEntry entryOf(Path path, ReadLock[] locks, PathEntry[] lockEntries) {
    for (int i = 0; i < locks.length; i++) {
      if (!locks[i].children() && locks[i].path().equals(path)) {
        return lockEntries[i];
      }
    }
    return tree.getOrCreate(path);
  }

  private void cascade(CommitRecord seed, List<Change> out, Version now) {
    PriorityQueue<CommitRecord> queue =
        new PriorityQueue<>((a, b) -> a.version.compareTo(b.version));
    Set<CommitRecord> queued = Collections.newSetFromMap(new IdentityHashMap<>());
    queue.add(seed);
    queued.add(seed);
    while (!queue.isEmpty()) {
      CommitRecord c = queue.poll();
      queued.remove(c);
      if (c.golden) {
        continue;
      }
      Conflict conflict = validator.check(c.locks, c.version);
      Validity next = conflict == null ? Validity.VALID : Validity.REJECTED;
      c.conflict = conflict;
      if (next == c.state) {
        continue;
      }
      c.state = next;
      for (StoredWrite w : c.writes) {
        w.entry.recomputeCurrent(out, now);
      }
      for (StoredWrite w : c.writes) {
        enqueueDependents(w, queue, queued);
      }
    }
  }

  /**
   * Commits above {@code w} whose value locks read or span it, or whose children locks cover it.
   */
  private static void enqueueDependents(
      StoredWrite w, PriorityQueue<CommitRecord> queue, Set<CommitRecord> queued) {
    Version v = w.commit.version;
    PathEntry e = w.entry;
    for (int i = 0; i < e.valueLockerCount(); i++) {
      CommitRecord d = e.valueLocker(i);
      if (d.version.compareTo(v) > 0 && readsAtOrBefore(d, e.path, v) && queued.add(d)) {
        queue.add(d);
      }
    }
    // Commits that lock this path and also write it are found through their own writes.
    for (int j = e.firstAfter(v); j < e.size; j++) {
      CommitRecord d = e.history[j].commit;
      if (readsAtOrBefore(d, e.path, v) && queued.add(d)) {
        queue.add(d);
      }
    }
    for (PathEntry a = e.parent; a != null; a = a.parent) {
      if (a.childLockers != null) {
        for (CommitRecord d : a.childLockers) {
          if (d.version.compareTo(v) > 0 && queued.add(d)) {
            queue.add(d);
          }
        }
      }
    }
  }

  private static boolean readsAtOrBefore(CommitRecord d, Path p, Version v) {
    for (ReadLock l : d.locks) {
      if (!l.children() && l.path().equals(p) && l.readVersion().compareTo(v) <= 0) {
        return true;
      }
    }
    return false;
  }

  public Validity validity(Path path, Version version) {
    PathEntry e = tree.get(path);
    int i = e == null ? -1 : e.find(version);
    return i < 0 ? null : e.history[i].commit.state;
  }

  /**
   * Makes up to {@code max} commits at or behind {@code to} golden, in version order, and trims the
   * histories they touched. Returns how many it made golden.
   */
  public int makeGolden(Version to, long keepAfterStamp, int max, GoldenSink sink) {
    if (to.compareTo(horizon) > 0) {
      horizon = to;
    }
    // Paths that kept versions only for the retention are trimmed again once it passed them,
    // even when no new commit touches them.
    while (!retained.isEmpty() && retained.peekFirst().stamp <= keepAfterStamp) {
      PathEntry e = retained.pollFirst().entry;
      keepIfRetaining(e, e.trimGolden(to, keepAfterStamp));
      tree.removeIfEmpty(e);
    }
    int n = 0;
    while (n < max) {
      CommitRecord c = open.peek();
      if (c == null || !c.atOrBefore(to)) {
        break;
      }
      open.poll();
      n++;
      c.golden = true;
      for (int i = 0; i < c.locks.length; i++) {
        if (needsLockerIndex(c, i)) {
          PathEntry e = c.lockEntries[i];
          e.dropGoldenLockers(c.locks[i].children());
          tree.removeIfEmpty(e);
        }
      }
      c.locks = CommitRecord.NO_LOCKS;
      c.lockEntries = null;
      if (sink != null && c.state == Validity.VALID && c.writes.length > 0) {
        Write[] ws = new Write[c.writes.length];
        for (int i = 0; i < ws.length; i++) {
          ws[i] = new Write(c.writes[i].entry.path(), c.writes[i].value);
        }
        sink.golden(c.version, Arrays.asList(ws));
      }
      // A path written by several commits of this slice is trimmed by the first; the others
      // stop at its first entry, which is then no longer behind the horizon (or the only one).
      for (StoredWrite w : c.writes) {
        keepIfRetaining(w.entry, w.entry.trimGolden(to, keepAfterStamp));
        tree.removeIfEmpty(w.entry);
      }
      // Nothing reads the writes of a golden commit; keeping them would keep superseded
      // siblings (and their values) alive through any one write that survives.
      c.writes = NO_WRITES;
    }
    openCount.add(-n);
    return n;
  }

  private record Retaining(PathEntry entry, long stamp) {}

  private void keepIfRetaining(PathEntry e, long stamp) {
    if (stamp >= 0) {
      retained.addLast(new Retaining(e, stamp));
    }
  }

  private static CommitResult result(CommitRecord c) {
    return new CommitResult(c.version, c.state, c.conflict);
  }
}
