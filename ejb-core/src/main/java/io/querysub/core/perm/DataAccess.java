package io.querysub.core.perm;

import io.querysub.engine.path.Path;
import jakarta.json.JsonValue;

/**
 * How a condition reads data ({@code exists(...)}, {@code data(...)}). For a commit the
 * implementation reads at the transaction's view and records each read as a lock, so a write that a
 * concurrent change would have denied is rejected, not let through.
 */
@FunctionalInterface
public interface DataAccess {
  /** The stored value at {@code path}, or null when nothing is stored there. */
  JsonValue read(Path path);

  /** Whether a value is stored at {@code path}; overridden where that is cheaper than a read. */
  default boolean exists(Path path) {
    return read(path) != null;
  }

  /** Reads nothing: for conditions known not to read data. */
  DataAccess NONE =
      path -> {
        throw new IllegalStateException("this check may not read data");
      };
}
