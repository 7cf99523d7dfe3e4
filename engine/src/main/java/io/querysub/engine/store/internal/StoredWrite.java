package io.querysub.engine.store.internal;

import io.querysub.engine.store.Validity;
import io.querysub.engine.store.Value;
import io.querysub.engine.version.Version;

/** One write in a path's history. Immutable; its validity is its commit's. */
public final class StoredWrite {
  final PathEntry entry;
  final Value value;
  final CommitRecord commit;

  // The version, copied in so that searching and trimming a history does not chase two more
  // pointers per step (old writes are cold in the cache).
  final long stamp;
  final int node;

  StoredWrite(PathEntry entry, Value value, CommitRecord commit) {
    this.entry = entry;
    this.value = value;
    this.commit = commit;
    this.stamp = commit.version.stamp();
    this.node = commit.version.node();
  }

  int compareTo(Version v) {
    int c = Long.compare(stamp, v.stamp());
    return c != 0 ? c : Integer.compare(node, v.node());
  }

  int compareTo(StoredWrite o) {
    int c = Long.compare(stamp, o.stamp);
    return c != 0 ? c : Integer.compare(node, o.node);
  }

  public Value value() {
    return value;
  }

  public Version version() {
    return commit.version;
  }

  public Validity state() {
    return commit.state;
  }

  boolean isValid() {
    return commit.state == Validity.VALID;
  }

  boolean isPresent() {
    return !value.isAbsent();
  }
}
