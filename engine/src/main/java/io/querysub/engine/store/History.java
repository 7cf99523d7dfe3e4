package io.querysub.engine.store;

import io.querysub.engine.path.Path;
import io.querysub.engine.version.Version;
import java.util.List;

/**
 * The valid writes of one path above a version, oldest first. {@code complete} is false when some
 * were already trimmed (see {@link StoreOptions#historyRetention()}).
 */
public record History(Path path, List<Entry> entries, boolean complete) {
  public record Entry(Value value, Version version) {}
}
