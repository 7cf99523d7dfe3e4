package io.querysub.core.perm;

import io.querysub.core.auth.Caller;
import io.querysub.engine.path.Path;
import jakarta.json.JsonValue;
import java.util.function.Supplier;

/**
 * What a condition is evaluated against: the caller, the rule's captures, the value being written
 * (write rules), the call's arguments (function rules), and the data. Not thread-safe: one per
 * check.
 */
final class Env {
  final Caller caller;
  final String[] captures;
  private final Supplier<JsonValue> value;
  private JsonValue parsed;
  private boolean valueRead;
  final JsonValue args;
  final DataAccess data;

  Env(
      Caller caller,
      String[] captures,
      Supplier<JsonValue> value,
      JsonValue args,
      DataAccess data) {
    this.caller = caller;
    this.captures = captures;
    this.value = value;
    this.args = args;
    this.data = data;
  }

  /** The stored value at {@code path}, or null when nothing is stored there. */
  JsonValue read(Path path) {
    return data.read(path);
  }

  boolean exists(Path path) {
    return data.exists(path);
  }

  /** The value written (parsed on first use: most conditions never look at it), or null. */
  JsonValue value() {
    if (!valueRead) {
      parsed = value == null ? null : value.get();
      valueRead = true;
    }
    return parsed;
  }
}
