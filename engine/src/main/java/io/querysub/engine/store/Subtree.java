package io.querysub.engine.store;

import io.querysub.engine.path.Path;
import io.querysub.engine.version.Version;
import java.util.List;

/** Every present value at or below {@code root}, in path order, exact as of {@code readVersion}. */
public record Subtree(Path root, List<Entry> entries, Version readVersion) {
  public record Entry(Path path, Value value, Version version) {}
}
