package io.querysub.engine.store.internal;

import io.querysub.engine.store.Conflict;
import io.querysub.engine.store.ReadLock;
import io.querysub.engine.store.Validity;
import io.querysub.engine.version.Version;

/**
 * One stored commit: its version, locks and writes, and its validity. The writes of a commit share
 * its locks, so they share its validity.
 *
 * <p>Threading: {@code state} is volatile and may be read anywhere; it and {@code conflict} change
 * only under the store's lock for every path the commit touches. {@code locks} is emptied once the
 * commit is golden (its validity can no longer change).
 */
public final class CommitRecord {
  static final ReadLock[] NO_LOCKS = new ReadLock[0];

  public final Version version;
  ReadLock[] locks;

  /** The entry of each lock's path, index for index, so the golden pass needs no lookups. */
  PathEntry[] lockEntries;

  StoredWrite[] writes;
  volatile Validity state;
  Conflict conflict;

  private final long stamp;

  CommitRecord(Version version, ReadLock[] locks, Validity state) {
    this.version = version;
    this.stamp = version.stamp();
    this.locks = locks.length == 0 ? NO_LOCKS : locks;
    this.state = state;
  }

  /** True when this commit is at or behind {@code horizon} (one load in the common case). */
  boolean atOrBefore(Version horizon) {
    return stamp != horizon.stamp() ? stamp < horizon.stamp() : version.compareTo(horizon) <= 0;
  }

  public Validity state() {
    return state;
  }

  public Conflict conflict() {
    return conflict;
  }

  /** Set once the commit is behind the golden horizon; guarded like {@code state}. */
  boolean golden;
}
