package io.querysub.engine.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A stored value: the JSON text of any JSON value, kept as immutable UTF-8 bytes from ingest to the
 * wire, or {@link #ABSENT} (a delete). JSON {@code null} is a value like any other and is not
 * absent. The engine does not parse the text; callers validate it at the edge.
 */
public final class Value {
  public static final Value ABSENT = new Value(null);

  /** JSON {@code null}, shared. */
  public static final Value NULL = new Value("null".getBytes(StandardCharsets.UTF_8));

  private final byte[] json;

  private Value(byte[] json) {
    this.json = json;
  }

  /** Wraps JSON text already validated by the caller. The array must not be changed afterwards. */
  public static Value ofJsonBytes(byte[] utf8) {
    if (utf8 == null) {
      throw new IllegalArgumentException("use Value.ABSENT for no value");
    }
    return new Value(utf8);
  }

  public static Value ofJson(String json) {
    return ofJsonBytes(json.getBytes(StandardCharsets.UTF_8));
  }

  public boolean isAbsent() {
    return json == null;
  }

  /** The JSON text as UTF-8 bytes (not a copy: do not change it), or null when absent. */
  public byte[] jsonBytes() {
    return json;
  }

  /** The JSON text, or null when absent. */
  public String json() {
    return json == null ? null : new String(json, StandardCharsets.UTF_8);
  }

  /** Size of the JSON text in bytes; 0 when absent. */
  public int size() {
    return json == null ? 0 : json.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Value v && Arrays.equals(json, v.json);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(json);
  }

  @Override
  public String toString() {
    return json == null ? "<absent>" : json();
  }
}
