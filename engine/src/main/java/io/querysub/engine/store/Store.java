package io.querysub.engine.store;

import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.internal.ChangeFeed;
import io.querysub.engine.store.internal.CommitLog;
import io.querysub.engine.store.internal.PathEntry;
import io.querysub.engine.store.internal.PathTree;
import io.querysub.engine.store.internal.Stripes;
import io.querysub.engine.tx.Transaction;
import io.querysub.engine.version.HybridClock;
import io.querysub.engine.version.Version;
import io.querysub.engine.watch.Change;
import io.querysub.engine.watch.ChangeBatch;
import io.querysub.engine.watch.ChangeListener;
import java.util.ArrayList;
import java.util.List;

/**
 * The path store of one node: every shard's history, validity and child keys.
 *
 * <p>Threading: {@link #read} takes no lock, so reads never queue behind writes. A commit holds,
 * for the microseconds of its check and apply, the commit locks of the shards it touches (a shard
 * is the first {@code shardDepth} segments of a path), so commits on different shards run in
 * parallel. Work that can touch any path (a write arriving below the newest versions, which may
 * cascade; a children lock or listing above the shard depth; moving the golden horizon) takes the
 * store's exclusive lock.
 */
public final class Store {
  private final StoreOptions options;
  private final HybridClock clock;
  private final PathTree tree = new PathTree();
  private final Stripes stripes;
  private final CommitLog log;
  private final ChangeFeed feed;
  private final CommitJournal journal;

  /** A store kept in memory only. */
  public Store(StoreOptions options, HybridClock clock) {
    this(options, clock, CommitJournal.NONE);
  }

  /** A store that records every accepted commit in {@code journal} before applying it. */
  public Store(StoreOptions options, HybridClock clock, CommitJournal journal) {
    this.options = options;
    this.clock = clock;
    this.journal = java.util.Objects.requireNonNull(journal, "journal");
    this.stripes = new Stripes(options.stripes(), options.shardDepth());
    this.log = new CommitLog(tree, options.shardDepth());
    this.feed = new ChangeFeed(clock);
  }

  private volatile GoldenSink goldenSink;

  /**
   * Sets the sink that hears of every valid commit as it becomes golden (an archiver), or null for
   * none. Set it before the store serves, or commits already golden are not heard of.
   */
  public void setGoldenSink(GoldenSink sink) {
    this.goldenSink = sink;
  }

  public StoreOptions options() {
    return options;
  }

  public HybridClock clock() {
    return clock;
  }

  /** A new transaction on this store. */
  public Transaction begin() {
    return new Transaction(this);
  }

  /** The current value of {@code path} and the version to lock on. Takes no lock. */
  public ReadResult read(Path path) {
    PathEntry e = tree.get(path);
    var cur = e == null ? null : e.current();
    return cur == null
        ? new ReadResult(path, Value.ABSENT, Version.ZERO)
        : new ReadResult(path, cur.value(), cur.version());
  }

  /**
   * A page of the child keys of {@code parent} after the key {@code after} (null for the first), at
   * most {@code limit} keys. A key is listed while any value exists at or below it. System keys
   * (those starting with {@code .}) are not children of the root: they are neither listed nor seen
   * by children locks on the root.
   */
  public ChildrenPage children(Path parent, String after, int limit, boolean withValues) {
    if (limit < 1) {
      throw new QuerysubException(ErrorCode.BAD_REQUEST, "limit must be at least 1");
    }
    int[] held = stripesBelow(parent);
    stripes.lock(held);
    try {
      // Taken under the lock: every commit of this shard below it is applied, none above it is.
      Version readVersion = clock.now();
      PathEntry p = tree.get(parent);
      List<ChildrenPage.Child> out = new ArrayList<>(Math.min(limit, 64));
      String next = null;
      if (p != null && p.children() != null) {
        var tail = after == null ? p.children() : p.children().tailMap(after, false);
        for (var entry : tail.values()) {
          if (entry.live() == 0 || (parent.isRoot() && entry.path().isSystem())) {
            continue;
          }
          if (out.size() == limit) {
            next = out.get(out.size() - 1).key();
            break;
          }
          var cur = withValues ? entry.current() : null;
          out.add(
              new ChildrenPage.Child(
                  entry.path().last(),
                  cur == null ? (withValues ? Value.ABSENT : null) : cur.value(),
                  cur == null ? (withValues ? Version.ZERO : null) : cur.version()));
        }
      }
      return new ChildrenPage(parent, out, readVersion, next);
    } finally {
      stripes.unlock(held);
    }
  }

  /**
   * Commits writes sharing one new version, above every version this node has seen, if every lock
   * still holds. A commit without writes only checks its locks. The answer is final on one node: a
   * rejected commit is not stored (rerun it with fresh reads).
   *
   * <p>A valid commit with writes is appended to the store's journal before it is applied, and its
   * result carries the journal's ticket: when this returns the commit is visible to readers, but
   * durable only once {@link #whenDurable} completes.
   *
   * @throws QuerysubException {@code BAD_REQUEST} when two writes name one path; {@code
   *     UNAVAILABLE} when the journal takes no more records (nothing was applied)
   */
  public CommitResult commit(List<ReadLock> locks, List<Write> writes) {
    checkDistinct(writes);
    boolean exclusive = needsExclusive(locks);
    int[] held = exclusive ? null : stripes.of(locks, writes);
    boolean feeding = feed.active() && !writes.isEmpty();
    List<Change> changes = feeding ? new ArrayList<>(writes.size() * 2) : null;
    Version v = null;
    boolean published = false;
    stripes.lock(held);
    try {
      v = feeding ? feed.take() : clock.now();
      checkHorizon(v);
      PathEntry[] lockEntries = log.resolve(locks);
      Conflict c = log.validator().checkAtNow(locks, lockEntries, v);
      if (c != null) {
        return new CommitResult(v, Validity.REJECTED, c);
      }
      long ticket = 0;
      if (!writes.isEmpty()) {
        // Recorded before it is applied: whatever a reader sees was appended before anything the
        // reader commits next, so a durable commit never depends on a lost one.
        ticket = journal.append(v, writes);
        log.appendValid(v, locks, lockEntries, writes, changes);
      }
      published = feeding;
      return new CommitResult(v, Validity.VALID, null, ticket);
    } finally {
      stripes.unlock(held);
      if (feeding && v != null) {
        if (published) {
          feed.publish(new ChangeBatch(v, changes));
        } else {
          feed.abandon(v);
        }
      }
    }
  }

  /**
   * Stores a commit with a version chosen elsewhere (a replica, a remote authority, a replay),
   * evaluates it, and re-evaluates in version order every commit whose locks it affects. A version
   * already stored is answered with its current outcome and changes nothing.
   *
   * @throws QuerysubException {@code TOO_OLD} when the version is at or behind the golden horizon;
   *     {@code BAD_REQUEST} when a lock reads at or above the version; {@code VERSION_INVALID} when
   *     the version is more than {@code maxChangeAge} ahead of this node's clock
   */
  public CommitResult ingest(Version version, List<ReadLock> locks, List<Write> writes) {
    if (writes.isEmpty()) {
      throw new QuerysubException(ErrorCode.BAD_REQUEST, "a stored commit needs a write");
    }
    checkDistinct(writes);
    for (ReadLock l : locks) {
      if (l.readVersion().compareTo(version) >= 0) {
        throw new QuerysubException(
            ErrorCode.BAD_REQUEST,
            "a lock must read below its commit's version "
                + version
                + ", not at "
                + l.readVersion(),
            l.path().toString());
      }
    }
    // A version far ahead of this node's clock would drag the clock along and hold the golden
    // horizon back for as long: refuse it (a peer whose clock is that far off is misconfigured).
    long aheadMillis = version.millis() - clock.physicalMillis();
    if (aheadMillis > options.maxChangeAge().toMillis()) {
      throw new QuerysubException(
          ErrorCode.VERSION_INVALID,
          "version " + version + " is " + aheadMillis + " ms ahead of this node's clock");
    }
    boolean feeding = feed.active();
    List<Change> changes = feeding ? new ArrayList<>() : null;
    Version announced = null;
    stripes.lock(null);
    try {
      checkHorizon(version);
      clock.observe(version);
      // Changes a cascade makes are announced at a fresh version: they become known now, even
      // though each carries the version of the write it made current.
      announced = feeding ? feed.take() : null;
      return log.ingest(version, locks, writes, changes, announced);
    } finally {
      stripes.unlock(null);
      if (announced != null) {
        feed.publish(new ChangeBatch(announced, changes));
      }
    }
  }

  /**
   * Completes once the commit of {@code result} is durable in the store's journal (at once for a
   * rejected or read-only commit, or a store without a journal); completes exceptionally when the
   * journal failed first. The future may complete on the journal's own thread: do little there.
   */
  public java.util.concurrent.CompletableFuture<Void> whenDurable(CommitResult result) {
    return result.ticket() == 0 ? CommitJournal.DONE : journal.whenDurable(result.ticket());
  }

  /**
   * Completes once every commit visible when this is called is durable in the store's journal, as
   * {@link #whenDurable} does for one commit: for a value read earlier whose commit's ticket is not
   * at hand (a commit is appended before it is applied, so anything a reader has seen was appended
   * before this call). May wait for commits appended since then too, at most one more sync.
   */
  public java.util.concurrent.CompletableFuture<Void> whenVisibleDurable() {
    long ticket = journal.lastTicket();
    return ticket == 0 ? CommitJournal.DONE : journal.whenDurable(ticket);
  }

  /**
   * Waits until the commit of {@code result} is durable, see {@link #whenDurable}.
   *
   * @throws QuerysubException {@code UNAVAILABLE} when the journal failed before the commit was
   *     durable (it is applied in memory, but may be lost on restart)
   */
  public void awaitDurable(CommitResult result) {
    if (result.ticket() == 0) {
      return;
    }
    try {
      journal.whenDurable(result.ticket()).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QuerysubException(
          ErrorCode.UNAVAILABLE, "interrupted while waiting for commit " + result.version());
    } catch (java.util.concurrent.ExecutionException e) {
      throw new QuerysubException(
          ErrorCode.UNAVAILABLE,
          "commit " + result.version() + " is not durable: " + e.getCause().getMessage());
    }
  }

  /**
   * Stores a valid commit read back from this node's own journal, for recovery before the store
   * serves. The version is kept as written and the clock moves past it. Unlike {@link #ingest}
   * there is no horizon or clock-skew guard (a replayed version is usually far behind the golden
   * horizon: the next {@link #advanceGolden} makes it golden) and nothing is journaled again or
   * published to listeners. A version already stored changes nothing.
   */
  public void replay(Version version, List<Write> writes) {
    if (writes.isEmpty()) {
      return;
    }
    checkDistinct(writes);
    int[] held = stripes.of(List.of(), writes);
    stripes.lock(held);
    try {
      clock.observe(version);
      log.replay(version, writes);
    } finally {
      stripes.unlock(held);
    }
  }

  /** The state of the write at {@code version} on {@code path}, or null when none is stored. */
  public Validity validity(Path path, Version version) {
    stripes.lock(null);
    try {
      return log.validity(path, version);
    } finally {
      stripes.unlock(null);
    }
  }

  /** Writes at or behind this version are refused with TOO_OLD and can no longer change. */
  public Version goldenHorizon() {
    Version byClock = clockHorizon();
    Version moved = log.horizon();
    return byClock.compareTo(moved) > 0 ? byClock : moved;
  }

  /**
   * Moves the golden horizon to {@code now - maxChangeAge}; see {@link #advanceGolden(Version)}.
   */
  public int advanceGolden() {
    return advanceGolden(clockHorizon());
  }

  /**
   * Makes every commit at or behind {@code horizon} golden: drops its locks, drops rejected writes,
   * and trims superseded versions older than the history retention (the newest golden version of
   * each path is always kept). Works in bounded slices so commits are never held up for long.
   *
   * @return how many commits became golden
   */
  public int advanceGolden(Version horizon) {
    long keepAfter =
        Math.max(0, clock.physicalMillis() - options.historyRetention().toMillis())
            << Version.COUNTER_BITS;
    int total = 0;
    GoldenSink sink = goldenSink;
    while (true) {
      int n;
      stripes.lock(null);
      try {
        n = log.makeGolden(horizon, keepAfter, 4096, sink);
        if (n < 4096 && sink != null) {
          sink.passed(horizon);
        }
      } finally {
        stripes.unlock(null);
      }
      total += n;
      if (n < 4096) {
        return total;
      }
    }
  }

  /**
   * Adds a listener of every commit's changes, in version order (see {@link ChangeListener}). Add
   * listeners before serving: commits already running when one is added do not reach it.
   */
  public void addListener(ChangeListener listener) {
    feed.addListener(listener);
  }

  public void removeListener(ChangeListener listener) {
    feed.removeListener(listener);
  }

  /**
   * Every present value at or below {@code root}, in path order, exact as of the returned read
   * version (taken under the shard's lock, or every lock above the shard depth).
   *
   * @throws QuerysubException {@code LIMIT_EXCEEDED} when more than {@code max} values are there
   */
  public Subtree subtree(Path root, int max) {
    int[] held = stripesBelow(root);
    stripes.lock(held);
    try {
      Version readVersion = clock.now();
      List<Subtree.Entry> out = new ArrayList<>();
      PathEntry e = root.isRoot() ? tree.root() : tree.get(root);
      if (e != null && e.live() > max) {
        throw new QuerysubException(
            ErrorCode.LIMIT_EXCEEDED,
            "the subtree holds " + e.live() + " values, more than " + max,
            root.toString());
      }
      if (e != null) {
        collectSubtree(e, out);
      }
      return new Subtree(root, out, readVersion);
    } finally {
      stripes.unlock(held);
    }
  }

  private static void collectSubtree(PathEntry e, List<Subtree.Entry> out) {
    var cur = e.current();
    if (cur != null && !cur.value().isAbsent()) {
      out.add(new Subtree.Entry(e.path(), cur.value(), cur.version()));
    }
    if (e.children() != null) {
      for (PathEntry c : e.children().values()) {
        if (c.live() > 0 && !(e.path().isRoot() && c.path().isSystem())) {
          collectSubtree(c, out);
        }
      }
    }
  }

  /**
   * Every valid write on {@code path} above {@code since}, oldest first. {@code complete} is false
   * when writes above {@code since} were already trimmed (older than the golden horizon and the
   * history retention): the caller then needs a fresh read instead.
   */
  public History history(Path path, Version since) {
    int[] held = stripes.ofPath(path);
    stripes.lock(held);
    try {
      PathEntry e = tree.get(path);
      List<io.querysub.engine.store.internal.StoredWrite> writes = new ArrayList<>();
      boolean complete =
          e == null
              ? since.compareTo(log.horizon()) >= 0
              : e.validWritesAbove(since, writes) || since.compareTo(log.horizon()) >= 0;
      List<History.Entry> out = new ArrayList<>(writes.size());
      for (var w : writes) {
        out.add(new History.Entry(w.value(), w.version()));
      }
      return new History(path, out, complete);
    } finally {
      stripes.unlock(held);
    }
  }

  /** How many paths the store holds entries for (written, locked, or ancestors of those). */
  public int pathCount() {
    return tree.size();
  }

  /** How many commits are not yet golden. */
  public int openCommits() {
    return log.openCommits();
  }

  private Version clockHorizon() {
    long ms = clock.physicalMillis() - options.maxChangeAge().toMillis();
    return ms <= 0 ? Version.ZERO : Version.of(ms, 0, 0);
  }

  private void checkHorizon(Version v) {
    long byClock = clock.physicalMillis() - options.maxChangeAge().toMillis();
    if (byClock > 0
        && v.stamp() > (byClock << Version.COUNTER_BITS)
        && v.compareTo(log.horizon()) > 0) {
      return; // the common case, without allocating
    }
    Version h = goldenHorizon();
    if (v.compareTo(h) <= 0) {
      throw new QuerysubException(
          ErrorCode.TOO_OLD, "version " + v + " is at or behind the golden horizon " + h);
    }
  }

  /**
   * The stripes guarding everything at or below {@code p}: its shard's, or every stripe (null) when
   * {@code p} is above the shard depth and so spans shards.
   */
  private int[] stripesBelow(Path p) {
    return p.size() < options.shardDepth() ? null : stripes.ofPath(p);
  }

  private boolean needsExclusive(List<ReadLock> locks) {
    for (ReadLock l : locks) {
      if (l.children() && l.path().size() < options.shardDepth()) {
        return true;
      }
    }
    return false;
  }

  private static void checkDistinct(List<Write> writes) {
    int n = writes.size();
    if (n <= 8) {
      for (int i = 1; i < n; i++) {
        Path p = writes.get(i).path();
        for (int j = 0; j < i; j++) {
          if (p.equals(writes.get(j).path())) {
            throw new QuerysubException(
                ErrorCode.BAD_REQUEST, "a commit writes each path once", p.toString());
          }
        }
      }
    } else {
      var seen = new java.util.HashSet<Path>(writes.size() * 2);
      for (Write w : writes) {
        if (!seen.add(w.path())) {
          throw new QuerysubException(
              ErrorCode.BAD_REQUEST, "a commit writes each path once", w.path().toString());
        }
      }
    }
  }
}
