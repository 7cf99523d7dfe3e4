package io.querysub.engine.store;

import io.querysub.engine.path.Path;
import java.util.Objects;

/** One write of a commit: a value, or {@link Value#ABSENT} to delete. */
public record Write(Path path, Value value) {
  public Write {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(value, "value");
    if (path.isRoot()) {
      throw new IllegalArgumentException("the root holds no value");
    }
  }

  public static Write delete(Path path) {
    return new Write(path, Value.ABSENT);
  }
}
