package io.querysub.engine.store;

import io.querysub.engine.path.Path;
import io.querysub.engine.version.Version;
import java.util.Objects;

/**
 * What a transaction read, as a lock: a value lock says it saw the write on {@code path} at {@code
 * readVersion} (or nothing, for {@link Version#ZERO}); a children lock says it listed the child
 * keys of {@code path} as of {@code readVersion}. The lock's end version is the version of the
 * commit that carries it, so it is not stored here.
 */
public record ReadLock(Path path, Version readVersion, boolean children) {
  public ReadLock {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(readVersion, "readVersion");
    if (!children && path.isRoot()) {
      throw new IllegalArgumentException("the root holds no value to lock");
    }
  }

  public static ReadLock value(Path path, Version readVersion) {
    return new ReadLock(path, readVersion, false);
  }

  public static ReadLock children(Path path, Version readVersion) {
    return new ReadLock(path, readVersion, true);
  }
}
