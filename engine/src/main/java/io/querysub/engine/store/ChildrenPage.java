package io.querysub.engine.store;

import io.querysub.engine.path.Path;
import io.querysub.engine.version.Version;
import java.util.List;

/**
 * One page of the child keys of {@code parent}, in key order. {@code readVersion} is the version
 * the listing is exact as of (lock on it to depend on the key set); {@code next} is the key to pass
 * as {@code after} for the next page, or null on the last page.
 */
public record ChildrenPage(Path parent, List<Child> children, Version readVersion, String next) {

  /** A child key; {@code value} and {@code version} are filled only when values were asked for. */
  public record Child(String key, Value value, Version version) {}
}
