package io.querysub.core.perm;

import io.querysub.core.auth.Caller;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.engine.path.Path;
import jakarta.json.JsonValue;
import java.util.function.Supplier;

/**
 * The checks every entry point makes, against the rules in force. The rules are swapped whole on a
 * reload ({@link #use}); a check reads them once, so it never mixes two rule sets. Thread-safe.
 *
 * <p>When permissions are off (only for measuring their cost, or a trusted development setup) every
 * check passes.
 */
public final class Permissions {
  private final boolean enabled;
  private volatile RuleSet rules;

  private Permissions(boolean enabled, RuleSet rules) {
    this.enabled = enabled;
    this.rules = rules;
  }

  /** Checks against {@code rules} (and what later {@link #use} calls put in force). */
  public static Permissions of(RuleSet rules) {
    return new Permissions(true, rules);
  }

  /** No checks: every caller may do everything. */
  public static Permissions off() {
    return new Permissions(false, RuleSet.denyAll("permissions off"));
  }

  public boolean enabled() {
    return enabled;
  }

  /** Whether a check is needed at all for {@code caller}. */
  public boolean applies(Caller caller) {
    return enabled && !caller.isSystem();
  }

  public RuleSet rules() {
    return rules;
  }

  /** Puts {@code next} in force for every later check. */
  public void use(RuleSet next) {
    rules = next;
  }

  public boolean canRead(Caller caller, Path path, DataAccess data) {
    return !applies(caller) || rules.canRead(caller, path, data);
  }

  /**
   * @throws QuerysubException {@code PERMISSION_DENIED} when no rule lets {@code caller} read
   *     {@code path}
   */
  public void checkRead(Caller caller, Path path, DataAccess data) {
    if (!canRead(caller, path, data)) {
      throw denied("read", path);
    }
  }

  /**
   * @throws QuerysubException {@code PERMISSION_DENIED} when no rule lets {@code caller} write
   *     {@code value} at {@code path}
   */
  public void checkWrite(Caller caller, Path path, Supplier<JsonValue> value, DataAccess data) {
    if (applies(caller) && !rules.canWrite(caller, path, value, data)) {
      throw denied("write", path);
    }
  }

  /**
   * @throws QuerysubException {@code PERMISSION_DENIED} when no rule lets {@code caller} call
   *     {@code function} with {@code args}
   */
  public void checkCall(Caller caller, String function, JsonValue args, DataAccess data) {
    if (applies(caller) && !rules.canCall(caller, function, args, data)) {
      throw new QuerysubException(
          ErrorCode.PERMISSION_DENIED,
          "no rule lets " + caller.id() + " call " + function + " with these arguments");
    }
  }

  /** Whether {@code caller}'s right to read {@code path} may change with the data. */
  public boolean readDependsOnData(Caller caller, Path path) {
    return applies(caller) && rules.readDependsOnData(path);
  }

  private static QuerysubException denied(String what, Path path) {
    return new QuerysubException(
        ErrorCode.PERMISSION_DENIED,
        "no rule lets the caller " + what + " this path",
        path.toString());
  }
}
