package io.querysub.engine.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A stored value: the JSON text of any JSON value, kept as immutable UTF-8 bytes from ingest to the
 * wire, or {@link #ABSENT} (a delete). JSON {@code null} is a value like any other and is not
 * absent. The engine does not parse the text; callers validate it at the edge.
 *
 * <p>A value recovered from an archive may be <em>lazy</em> ({@link #lazy}): its size is known, and
 * its text is loaded from the archive on the first call of {@link #jsonBytes} and then kept.
 */
public final class Value {
  public static final Value ABSENT = new Value(null);

  /** JSON {@code null}, shared. */
  public static final Value NULL = new Value("null".getBytes(StandardCharsets.UTF_8));

  private volatile byte[] json;
  private final Supplier<byte[]> loader;
  private final int lazySize;

  private Value(byte[] json) {
    this.json = json;
    this.loader = null;
    this.lazySize = 0;
  }

  private Value(int size, Supplier<byte[]> loader) {
    this.json = null;
    this.loader = loader;
    this.lazySize = size;
  }

  /**
   * A present value of {@code size} bytes whose JSON text {@code loader} supplies when first asked
   * for (at most once successfully; a loader that throws is asked again next time). The loader must
   * return exactly {@code size} bytes of valid JSON text or throw.
   */
  public static Value lazy(int size, Supplier<byte[]> loader) {
    if (size < 0 || loader == null) {
      throw new IllegalArgumentException("a lazy value needs a size and a loader");
    }
    return new Value(size, loader);
  }

  /** True when the text is not loaded yet (a lazy value before its first use). */
  public boolean isLoaded() {
    return json != null || loader == null;
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
    return json == null && loader == null;
  }

  /**
   * The JSON text as UTF-8 bytes (not a copy: do not change it), or null when absent. Loads a lazy
   * value; the loader's exception (an archive out of reach) passes through.
   */
  public byte[] jsonBytes() {
    byte[] j = json;
    if (j != null || loader == null) {
      return j;
    }
    synchronized (this) {
      if (json == null) {
        byte[] loaded = loader.get();
        if (loaded == null || loaded.length != lazySize) {
          throw new IllegalStateException(
              "a lazily loaded value has "
                  + (loaded == null ? "no text" : loaded.length + " bytes")
                  + ", expected "
                  + lazySize);
        }
        json = loaded;
      }
      return json;
    }
  }

  /** The JSON text, or null when absent. */
  public String json() {
    byte[] j = jsonBytes();
    return j == null ? null : new String(j, StandardCharsets.UTF_8);
  }

  /** Size of the JSON text in bytes; 0 when absent. Known without loading a lazy value. */
  public int size() {
    byte[] j = json;
    return j != null ? j.length : loader != null ? lazySize : 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Value v
        && (v == this
            || (size() == v.size()
                && isAbsent() == v.isAbsent()
                && Arrays.equals(jsonBytes(), v.jsonBytes())));
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(jsonBytes());
  }

  @Override
  public String toString() {
    if (isAbsent()) {
      return "<absent>";
    }
    return isLoaded() ? json() : "<" + lazySize + " bytes, not loaded>";
  }
}
