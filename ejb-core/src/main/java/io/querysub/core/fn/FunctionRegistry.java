package io.querysub.core.fn;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The functions of a node, by name. Immutable once built; thread-safe. */
public final class FunctionRegistry {
  private final Map<String, FunctionDef> byName;

  private FunctionRegistry(Map<String, FunctionDef> byName) {
    this.byName = byName;
  }

  /** A registry of {@code defs}; refuses two functions with one name, naming both methods. */
  public static FunctionRegistry of(List<FunctionDef> defs) {
    Map<String, FunctionDef> m = new TreeMap<>();
    for (FunctionDef d : defs) {
      FunctionDef old = m.putIfAbsent(d.name(), d);
      if (old != null) {
        throw new IllegalArgumentException(
            "two server functions are named '"
                + d.name()
                + "': "
                + old.method()
                + " and "
                + d.method());
      }
    }
    return new FunctionRegistry(Collections.unmodifiableMap(m));
  }

  /** The function with this name, or null. */
  public FunctionDef get(String name) {
    return byName.get(name);
  }

  /** Every function, by name. */
  public Collection<FunctionDef> all() {
    return byName.values();
  }
}
