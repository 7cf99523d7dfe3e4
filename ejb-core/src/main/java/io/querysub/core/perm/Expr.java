package io.querysub.core.perm;

import io.querysub.engine.path.Path;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.util.List;

/**
 * A parsed condition expression. Values while evaluating are {@code null}, {@link String}, {@link
 * Boolean}, {@link BigDecimal}, a JSON object or array ({@link JsonValue}), or the caller ({@link
 * CallerRef}). A condition allows only when it evaluates to {@code true}; anything else (null, a
 * string, a failed data path) denies.
 */
sealed interface Expr {
  Object eval(Env env);

  /** Whether evaluating may read data. */
  boolean readsData();

  /** The caller as a value: only its members can be compared. */
  enum CallerRef {
    INSTANCE
  }

  record Literal(Object value) implements Expr {
    public Object eval(Env env) {
      return value;
    }

    public boolean readsData() {
      return false;
    }
  }

  /** A capture of the rule's pattern, by position. */
  record Capture(int index) implements Expr {
    public Object eval(Env env) {
      return env.captures[index];
    }

    public boolean readsData() {
      return false;
    }
  }

  /** {@code caller}, {@code value} or {@code args}. */
  record Name(String name) implements Expr {
    public Object eval(Env env) {
      return switch (name) {
        case "caller" -> CallerRef.INSTANCE;
        case "value" -> of(env.value());
        case "args" -> of(env.args);
        default -> throw new IllegalStateException(name);
      };
    }

    public boolean readsData() {
      return false;
    }
  }

  record Member(Expr target, String field) implements Expr {
    public Object eval(Env env) {
      Object t = target.eval(env);
      if (t == CallerRef.INSTANCE) {
        return switch (field) {
          case "id" -> env.caller.id();
          case "anonymous" -> env.caller.isAnonymous();
          default -> null;
        };
      }
      if (t instanceof JsonObject o) {
        return of(o.get(field));
      }
      return null;
    }

    public boolean readsData() {
      return target.readsData();
    }
  }

  record Not(Expr inner) implements Expr {
    public Object eval(Env env) {
      return !Boolean.TRUE.equals(inner.eval(env));
    }

    public boolean readsData() {
      return inner.readsData();
    }
  }

  record And(Expr left, Expr right) implements Expr {
    public Object eval(Env env) {
      return Boolean.TRUE.equals(left.eval(env)) && Boolean.TRUE.equals(right.eval(env));
    }

    public boolean readsData() {
      return left.readsData() || right.readsData();
    }
  }

  record Or(Expr left, Expr right) implements Expr {
    public Object eval(Env env) {
      return Boolean.TRUE.equals(left.eval(env)) || Boolean.TRUE.equals(right.eval(env));
    }

    public boolean readsData() {
      return left.readsData() || right.readsData();
    }
  }

  record Equals(Expr left, Expr right, boolean negated) implements Expr {
    public Object eval(Env env) {
      return same(left.eval(env), right.eval(env)) != negated;
    }

    public boolean readsData() {
      return left.readsData() || right.readsData();
    }

    private static boolean same(Object a, Object b) {
      if (a == null || b == null) {
        return a == b;
      }
      if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
        return x.compareTo(y) == 0;
      }
      return a.equals(b);
    }
  }

  record HasRole(String role) implements Expr {
    public Object eval(Env env) {
      return env.caller.hasRole(role);
    }

    public boolean readsData() {
      return false;
    }
  }

  /** {@code exists(template)} or {@code data(template)}. */
  record Read(PathTemplate path, boolean existsOnly) implements Expr {
    public Object eval(Env env) {
      Path p = path.resolve(env);
      if (p == null) {
        return existsOnly ? Boolean.FALSE : null;
      }
      return existsOnly ? env.exists(p) : of(env.read(p));
    }

    public boolean readsData() {
      return true;
    }
  }

  /** A JSON value as an evaluation value. */
  static Object of(JsonValue v) {
    if (v == null) {
      return null;
    }
    return switch (v.getValueType()) {
      case NULL -> null;
      case TRUE -> Boolean.TRUE;
      case FALSE -> Boolean.FALSE;
      case STRING -> ((JsonString) v).getString();
      case NUMBER -> ((JsonNumber) v).bigDecimalValue();
      default -> v;
    };
  }

  /**
   * A data path with placeholders: literal segments, captures and {@code caller.id}. A placeholder
   * fills exactly one segment whatever its text ({@code /} in it stays inside the segment), so a
   * caller's name can never reach another path; a value that is no valid segment resolves to no
   * path, and the read finds nothing.
   *
   * <p>Resolved paths are kept (up to {@link #CACHE_LIMIT}, then the cache starts again): a rule
   * reads the same few paths again and again (one membership per member), and a kept path is
   * checked once and carries its hash, which the store's lookups use.
   */
  final class PathTemplate {
    /** Placeholder for {@code caller.id} among the segments. */
    static final Object CALLER_ID = new Object();

    static final int CACHE_LIMIT = 1 << 14;

    private final String text;
    private final List<Object> segments;
    private final java.util.concurrent.ConcurrentHashMap<String, Path> resolved =
        new java.util.concurrent.ConcurrentHashMap<>();

    PathTemplate(String text, List<Object> segments) {
      this.text = text;
      this.segments = segments;
    }

    String text() {
      return text;
    }

    Path resolve(Env env) {
      String[] segs = new String[segments.size()];
      StringBuilder key = new StringBuilder();
      for (int i = 0; i < segs.length; i++) {
        Object s = segments.get(i);
        if (s instanceof String lit) {
          segs[i] = lit;
        } else {
          segs[i] = s == CALLER_ID ? env.caller.id() : env.captures[(Integer) s];
          if (segs[i].indexOf('\u0000') >= 0) {
            return null; // no segment holds a control character: no path (and no cache key)
          }
          key.append(segs[i]).append('\u0000'); // the separator no value holds: unambiguous
        }
      }
      String k = key.toString();
      Path p = resolved.get(k);
      if (p != null) {
        return p;
      }
      try {
        p = Path.of(segs);
      } catch (RuntimeException e) {
        return null;
      }
      if (resolved.size() >= CACHE_LIMIT) {
        resolved.clear();
      }
      resolved.put(k, p);
      return p;
    }
  }
}
