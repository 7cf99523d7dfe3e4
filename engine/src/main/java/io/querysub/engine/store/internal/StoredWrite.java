package io.querysub.engine.store.internal;

import io.querysub.engine.store.Validity;
import io.querysub.engine.store.Value;
import io.querysub.engine.version.Version;

/** One write in a path's history. Immutable; its validity is its commit's. */
public final class StoredWrite {
  final PathEntry entry;
  final Value value;
  final CommitRecord commit;

  StoredWrite(PathEntry entry, Value value, CommitRecord commit) {
    this.entry = entry;
    this.value = value;
    this.commit = commit;
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
    return value.jsonBytes() != null;
  }
}
