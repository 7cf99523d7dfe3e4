package io.querysub.engine.store;

import io.querysub.engine.path.Path;
import io.querysub.engine.version.Version;

/**
 * The current value of a path and the version to lock on: the version of the valid write that
 * produced it (a delete gives {@link Value#ABSENT} with the delete's version), or {@link
 * Version#ZERO} when nothing was ever written.
 */
public record ReadResult(Path path, Value value, Version version) {
  public boolean exists() {
    return !value.isAbsent();
  }
}
