package io.querysub.engine.store.internal;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.Validity;
import io.querysub.engine.store.Value;
import io.querysub.engine.version.Version;
import io.querysub.engine.watch.Change;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * A node of the path tree: the history of writes at one path, its current value, and the index of
 * its child keys.
 *
 * <p>Threading: {@code history}, {@code size} and the locker queues are guarded by the commit lock
 * of this path's shard (or the store's exclusive lock). {@code current} is volatile so reads take
 * no lock. {@code live} and {@code subtreeMax} are updated atomically because ancestors above the
 * shard depth are shared by many shards.
 */
public final class PathEntry {
  private static final StoredWrite[] EMPTY = new StoredWrite[0];
  private static final AtomicIntegerFieldUpdater<PathEntry> LIVE =
      AtomicIntegerFieldUpdater.newUpdater(PathEntry.class, "live");
  private static final AtomicReferenceFieldUpdater<PathEntry, Version> MAX =
      AtomicReferenceFieldUpdater.newUpdater(PathEntry.class, Version.class, "subtreeMax");
  private static final AtomicReferenceFieldUpdater<PathEntry, ConcurrentSkipListMap> KIDS =
      AtomicReferenceFieldUpdater.newUpdater(
          PathEntry.class, ConcurrentSkipListMap.class, "children");

  final Path path;
  final PathEntry parent;

  StoredWrite[] history = EMPTY;
  int size;

  /** Presence just before {@code history[0]}: what the writes trimmed from the front left. */
  boolean presentBeforeHistory;

  /**
   * The highest version of a trimmed write that changed this path's presence, or null. A children
   * lock reading from below it cannot be judged exactly any more and counts as broken.
   */
  Version trimmedToggle;

  /**
   * The highest {@link #trimmedToggle} (or {@code removedBelow}) of a descendant entry that was
   * forgotten, or null: the same "cannot judge exactly from below this version" for children locks
   * on this path or above it.
   */
  Version removedBelow;

  /** The highest version of a valid write trimmed from this history, or null. */
  Version trimmedUpTo;

  /** The valid write with the highest version, or null. */
  volatile StoredWrite current;

  /** How many paths at or below this one have a current value that is not absent. */
  volatile int live;

  /**
   * The highest version of any write (whatever its validity) at or below this path; kept only at
   * and below the shard depth (see {@link #mayHaveWritesAbove}).
   */
  volatile Version subtreeMax = Version.ZERO;

  volatile ConcurrentSkipListMap<String, PathEntry> children;

  /**
   * Non-golden commits holding a value lock on this path, mostly in version order: a ring kept in
   * this object's own fields, because every read-modify-write adds to it and a separate queue
   * object would be one more cache miss per commit.
   */
  private CommitRecord[] lockers;

  private int lockersHead;
  private int lockersSize;

  /** Non-golden commits holding a children lock on this path, mostly in version order. */
  ArrayDeque<CommitRecord> childLockers;

  PathEntry(Path path, PathEntry parent) {
    this.path = path;
    this.parent = parent;
  }

  public Path path() {
    return path;
  }

  public StoredWrite current() {
    return current;
  }

  public int live() {
    return live;
  }

  /** The child entries by key (including keys with no value now), or null when none. */
  public ConcurrentSkipListMap<String, PathEntry> children() {
    return children;
  }

  boolean isEmpty() {
    return size == 0
        && (children == null || children.isEmpty())
        && lockersSize == 0
        && (childLockers == null || childLockers.isEmpty());
  }

  void addLocker(CommitRecord c, boolean childrenLock) {
    if (childrenLock) {
      if (childLockers == null) {
        childLockers = new ArrayDeque<>(4);
      }
      childLockers.add(c);
      return;
    }
    if (lockers == null) {
      lockers = new CommitRecord[4];
    } else if (lockersSize == lockers.length) {
      CommitRecord[] grown = new CommitRecord[lockers.length * 2];
      for (int i = 0; i < lockersSize; i++) {
        grown[i] = valueLocker(i);
      }
      lockers = grown;
      lockersHead = 0;
    }
    lockers[(lockersHead + lockersSize) & (lockers.length - 1)] = c;
    lockersSize++;
  }

  int valueLockerCount() {
    return lockersSize;
  }

  CommitRecord valueLocker(int i) {
    return lockers[(lockersHead + i) & (lockers.length - 1)];
  }

  /** Forgets lockers at the front that are golden (their locks no longer matter). */
  void dropGoldenLockers(boolean childrenLock) {
    if (childrenLock) {
      while (childLockers != null && !childLockers.isEmpty() && childLockers.peekFirst().golden) {
        childLockers.pollFirst();
      }
      return;
    }
    while (lockersSize > 0 && lockers[lockersHead].golden) {
      lockers[lockersHead] = null;
      lockersHead = (lockersHead + 1) & (lockers.length - 1);
      lockersSize--;
    }
    if (lockersSize == 0) {
      lockers = null;
      lockersHead = 0;
    }
  }

  @SuppressWarnings("unchecked")
  ConcurrentSkipListMap<String, PathEntry> childMap() {
    ConcurrentSkipListMap<String, PathEntry> c = children;
    if (c == null) {
      KIDS.compareAndSet(this, null, new ConcurrentSkipListMap<String, PathEntry>());
      c = children;
    }
    return c;
  }

  /**
   * Adds {@code delta} to {@code live} here and in every ancestor; where an entry's count crosses
   * zero its key appeared in or left its parent, which {@code out} hears (when not null).
   */
  void addLive(int delta, List<Change> out, Version at) {
    for (PathEntry e = this; e != null; e = e.parent) {
      int n = LIVE.addAndGet(e, delta);
      if (out != null && e.parent != null && (n == 0 || n == delta)) {
        out.add(
            new Change(
                n == 0 ? Change.Kind.KEY_REMOVED : Change.Kind.KEY_ADDED,
                e.path,
                Value.ABSENT,
                at));
      }
    }
  }

  /**
   * Raises {@code subtreeMax} here and in the ancestors down to depth {@code minDepth}. Entries
   * above the shard depth are shared by every shard, so they are not kept (a CAS on them from every
   * commit would be a contended cache line); readers treat them as unbounded.
   */
  void raiseSubtreeMax(Version v, int minDepth) {
    for (PathEntry e = this; e != null && e.path.size() >= minDepth; e = e.parent) {
      Version m = e.subtreeMax;
      while (true) {
        if (m.compareTo(v) >= 0) {
          // Whoever raised it this far raises the ancestors too, before releasing its lock.
          return;
        }
        if (MAX.compareAndSet(e, m, v)) {
          break;
        }
        m = e.subtreeMax;
      }
    }
  }

  /** False only when no write at or below this path has a version above {@code r}. */
  boolean mayHaveWritesAbove(Version r, int shardDepth) {
    return path.size() < shardDepth || subtreeMax.compareTo(r) > 0;
  }

  /** Index of the write at exactly {@code v}, or {@code -(insertion point) - 1}. */
  int find(Version v) {
    int lo = 0;
    int hi = size - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = history[mid].compareTo(v);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -(lo + 1);
  }

  /** Index of the first write with a version above {@code v}. */
  int firstAfter(Version v) {
    int i = find(v);
    return i >= 0 ? i + 1 : -(i + 1);
  }

  /** Adds a write in version order. Appending (the usual case) copies nothing. */
  void insert(StoredWrite w) {
    if (size == history.length) {
      history = Arrays.copyOf(history, Math.max(2, size + (size >> 1) + 1));
    }
    int at = size;
    if (size > 0 && history[size - 1].compareTo(w) > 0) {
      at = firstAfter(w.commit.version);
      System.arraycopy(history, at, history, at + 1, size - at);
    }
    history[at] = w;
    size++;
  }

  /** The valid writes above {@code since}, oldest first; true in the flag when none was trimmed. */
  public boolean validWritesAbove(Version since, List<StoredWrite> out) {
    for (int j = firstAfter(since); j < size; j++) {
      if (history[j].commit.state == Validity.VALID) {
        out.add(history[j]);
      }
    }
    return trimmedUpTo == null || trimmedUpTo.compareTo(since) <= 0;
  }

  /** Presence (a valid, non-absent value) just before index {@code i}. */
  boolean presentBefore(int i) {
    for (int j = i - 1; j >= 0; j--) {
      if (history[j].commit.state == Validity.VALID) {
        return history[j].isPresent();
      }
    }
    return presentBeforeHistory;
  }

  /** Recomputes {@link #current} from the history; keeps {@code live} of ancestors in step. */
  void recomputeCurrent(List<Change> out, Version at) {
    StoredWrite best = null;
    for (int j = size - 1; j >= 0; j--) {
      if (history[j].commit.state == Validity.VALID) {
        best = history[j];
        break;
      }
    }
    setCurrent(best, out, at);
  }

  /**
   * Makes {@code w} the current write. {@code out} (when not null) hears the new value and any key
   * that appeared or left; {@code at} is the version those key changes happened at.
   */
  void setCurrent(StoredWrite w, List<Change> out, Version at) {
    StoredWrite old = current;
    if (old == w) {
      return;
    }
    boolean was = old != null && old.isPresent();
    boolean is = w != null && w.isPresent();
    current = w;
    if (out != null) {
      out.add(
          Change.value(
              path, w == null ? Value.ABSENT : w.value, w == null ? Version.ZERO : w.version()));
    }
    if (was != is) {
      addLive(is ? 1 : -1, out, at);
    }
  }

  /**
   * Drops history that can no longer matter, see {@code Store.advanceGolden}. Only the golden
   * prefix of the history (it is in version order) is looked at; the rest moves down unread. What
   * the dropped writes meant for presence is kept in {@link #presentBeforeHistory} and {@link
   * #trimmedToggle}. A golden delete left alone (no newer writes, past retention) goes too: the
   * path then reads as never written.
   *
   * @return the stamp of the oldest write kept only for the history retention (trim again once the
   *     retention has passed it), or -1 when there is none
   */
  long trimGolden(Version horizon, long keepAfterStamp) {
    int goldenEnd = 0;
    int newestGoldenValid = -1;
    while (goldenEnd < size && history[goldenEnd].compareTo(horizon) <= 0) {
      if (history[goldenEnd].commit.state == Validity.VALID) {
        newestGoldenValid = goldenEnd;
      }
      goldenEnd++;
    }
    boolean present = presentBeforeHistory;
    boolean beforeFirstKept = present;
    boolean keptAny = false;
    long later = -1;
    int out = 0;
    for (int j = 0; j < goldenEnd; j++) {
      StoredWrite w = history[j];
      boolean valid = w.commit.state == Validity.VALID;
      boolean loneDelete = j == newestGoldenValid && j == size - 1 && !w.isPresent();
      boolean lastDelete = loneDelete && w.stamp <= keepAfterStamp;
      boolean keep = !lastDelete && (j == newestGoldenValid || (valid && w.stamp > keepAfterStamp));
      if (keep && (j != newestGoldenValid || loneDelete) && (later < 0 || w.stamp < later)) {
        later = w.stamp; // kept only for the retention: goes once it is older
      }
      if (keep) {
        if (!keptAny) {
          beforeFirstKept = present;
          keptAny = true;
        }
        history[out++] = w;
      } else if (valid) {
        trimmedUpTo = w.commit.version;
        if (present != w.isPresent()) {
          trimmedToggle = w.commit.version;
        }
      }
      if (valid) {
        present = w.isPresent();
      }
    }
    if (out == goldenEnd) {
      return later;
    }
    presentBeforeHistory = keptAny ? beforeFirstKept : present;
    System.arraycopy(history, goldenEnd, history, out, size - goldenEnd);
    int newSize = out + size - goldenEnd;
    Arrays.fill(history, newSize, size, null);
    size = newSize;
    if (size == 0) {
      history = EMPTY;
      setCurrent(null, null, null); // absent before and after: nothing to tell
    } else if (history.length > 8 && size < history.length / 4) {
      history = Arrays.copyOf(history, size * 2);
    }
    return later;
  }
}
