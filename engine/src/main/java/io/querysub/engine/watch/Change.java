package io.querysub.engine.watch;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.Value;
import io.querysub.engine.version.Version;

/**
 * One thing a commit changed. {@link Kind#VALUE}: the current value of {@code path} is now {@code
 * value} ({@link Value#ABSENT} after a delete), written at {@code version}. {@link Kind#KEY_ADDED}
 * / {@link Kind#KEY_REMOVED}: {@code path} became, or stopped being, a child key of its parent (a
 * key exists while any value exists at or below it); {@code value} is then {@link Value#ABSENT} and
 * {@code version} the commit's.
 */
public record Change(Kind kind, Path path, Value value, Version version) {
  public enum Kind {
    VALUE,
    KEY_ADDED,
    KEY_REMOVED
  }

  public static Change value(Path path, Value value, Version version) {
    return new Change(Kind.VALUE, path, value, version);
  }
}
