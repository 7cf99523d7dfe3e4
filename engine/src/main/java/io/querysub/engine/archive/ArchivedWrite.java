package io.querysub.engine.archive;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.Value;
import io.querysub.engine.version.Version;
import java.util.Objects;

/**
 * One golden write as a segment holds it: its path, version and value. A value larger than the
 * archive's threshold is not inline: {@code value} is null and {@code large} names the object that
 * holds its JSON text.
 */
public record ArchivedWrite(Path path, Version version, Value value, LargeRef large) {
  public ArchivedWrite {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(version, "version");
    if ((value == null) == (large == null)) {
      throw new IllegalArgumentException("exactly one of value and large");
    }
  }

  public static ArchivedWrite inline(Path path, Version version, Value value) {
    return new ArchivedWrite(path, version, value, null);
  }
}
