package io.querysub.engine.watch;

import io.querysub.engine.version.Version;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Everything one commit changed, at its version. Immutable.
 *
 * <p>One batch object is handed to every watch that hears the same changes (every watch of one
 * path, say), so a listener that sends it to many clients can {@linkplain #encoded encode} it once
 * and share the text.
 */
public final class ChangeBatch {
  private final Version version;
  private final List<Change> changes;
  private volatile String encoded; // the wire form, made by the first caller of encoded()

  public ChangeBatch(Version version, List<Change> changes) {
    this.version = Objects.requireNonNull(version, "version");
    this.changes = List.copyOf(changes);
  }

  public Version version() {
    return version;
  }

  public List<Change> changes() {
    return changes;
  }

  /**
   * This batch as text, made by {@code encoder} on the first call and returned as it is by every
   * later one (two threads racing may both encode; either result is kept). Every caller must pass
   * the same encoder: there is one wire form per batch.
   */
  public String encoded(Function<ChangeBatch, String> encoder) {
    String e = encoded;
    if (e == null) {
      e = encoder.apply(this);
      encoded = e;
    }
    return e;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChangeBatch b && version.equals(b.version) && changes.equals(b.changes);
  }

  @Override
  public int hashCode() {
    return version.hashCode() * 31 + changes.hashCode();
  }

  @Override
  public String toString() {
    return "ChangeBatch[version=" + version + ", changes=" + changes + "]";
  }
}
