package io.querysub.engine.watch;

import io.querysub.engine.version.Version;
import java.util.List;

/** Everything one commit changed, at its version. Immutable. */
public record ChangeBatch(Version version, List<Change> changes) {
  public ChangeBatch {
    changes = List.copyOf(changes);
  }
}
