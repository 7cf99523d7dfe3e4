package io.querysub.core.perm;

import io.querysub.core.auth.Caller;
import io.querysub.engine.path.Path;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A loaded rules file: path rules (read and write conditions by path pattern) and function rules (a
 * call condition by function name). The most specific matching rule decides; no matching rule, or a
 * condition it does not have, denies. The system caller passes every check. Immutable and
 * thread-safe; a reload builds a new one. Format in {@code docs/permissions.md}.
 */
public final class RuleSet {
  private static final JsonProvider JSON = JsonProvider.provider();
  private static final String[] NO_CAPTURES = new String[0];
  private static final Expr DENY = new Expr.Literal(Boolean.FALSE);
  private static final Set<String> RULE_KEYS = Set.of("path", "read", "write", "note");
  private static final Set<String> FUNCTION_KEYS = Set.of("function", "call", "note");

  /** One path rule; {@code index} counts from 1 in the file's {@code rules} array. */
  record PathRule(int index, PathPattern pattern, Expr read, Expr write) {}

  /** One function rule; {@code prefix} when its name ended in {@code *}. */
  record FunctionRule(int index, String name, boolean prefix, Expr call) {}

  private final String source;
  private final List<PathRule> rules;
  private final List<FunctionRule> functions;
  private final Map<String, List<PathRule>> byFirstSegment = new HashMap<>();
  private final List<PathRule> wildcardFirst = new ArrayList<>();

  private RuleSet(String source, List<PathRule> rules, List<FunctionRule> functions) {
    this.source = source;
    this.rules = List.copyOf(rules);
    this.functions = List.copyOf(functions);
    // Each index list most specific first, so the first match decides.
    Comparator<PathRule> specific = (a, b) -> b.pattern.compareSpecificity(a.pattern);
    for (PathRule r : rules) {
      String first = r.pattern.firstLiteral();
      if (first == null) {
        wildcardFirst.add(r);
      }
    }
    for (PathRule r : rules) {
      String first = r.pattern.firstLiteral();
      if (first != null) {
        byFirstSegment.computeIfAbsent(first, k -> new ArrayList<>(wildcardFirst)).add(r);
      }
    }
    wildcardFirst.sort(specific);
    byFirstSegment.values().forEach(l -> l.sort(specific));
  }

  /** A rule set that denies everything (no rules file, or one that never loaded). */
  public static RuleSet denyAll(String source) {
    return new RuleSet(source, List.of(), List.of());
  }

  /**
   * Parses a rules file.
   *
   * @param source where it came from, for messages
   * @throws RulesException listing every problem, each naming its rule
   */
  public static RuleSet parse(String text, String source) {
    List<String> problems = new ArrayList<>();
    JsonObject root;
    try (JsonReader r = JSON.createReader(new StringReader(text))) {
      JsonValue v = r.readValue();
      if (!(v instanceof JsonObject o)) {
        throw new RulesException(source, List.of("the file must hold one JSON object"));
      }
      root = o;
    } catch (JsonException e) {
      throw new RulesException(source, List.of("not valid JSON: " + e.getMessage()));
    }
    for (String k : root.keySet()) {
      if (!k.equals("rules") && !k.equals("functions") && !k.equals("note")) {
        problems.add("unknown key '" + k + "' (known: rules, functions, note)");
      }
    }
    List<PathRule> rules = new ArrayList<>();
    for (JsonObject o : objects(root, "rules", problems)) {
      int index = rules.size() + 1;
      PathRule r = pathRule(index, o, problems);
      rules.add(r);
    }
    List<FunctionRule> functions = new ArrayList<>();
    for (JsonObject o : objects(root, "functions", problems)) {
      functions.add(functionRule(functions.size() + 1, o, problems));
    }
    for (int i = 0; i < rules.size(); i++) {
      for (int j = i + 1; j < rules.size(); j++) {
        PathRule a = rules.get(i);
        PathRule b = rules.get(j);
        if (a != null && b != null && a.pattern.sameShape(b.pattern)) {
          problems.add(
              "rules "
                  + a.index
                  + " ("
                  + a.pattern
                  + ") and "
                  + b.index
                  + " ("
                  + b.pattern
                  + ") match the same paths; neither would be more specific: merge them");
        }
      }
    }
    for (int i = 0; i < functions.size(); i++) {
      for (int j = i + 1; j < functions.size(); j++) {
        FunctionRule a = functions.get(i);
        FunctionRule b = functions.get(j);
        if (a != null && b != null && a.name.equals(b.name) && a.prefix == b.prefix) {
          problems.add(
              "function rules " + a.index + " and " + b.index + " both name '" + a.name + "'");
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new RulesException(source, problems);
    }
    return new RuleSet(source, rules, functions);
  }

  private static List<JsonObject> objects(JsonObject root, String key, List<String> problems) {
    JsonValue v = root.get(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof JsonArray a)) {
      problems.add("'" + key + "' must be an array");
      return List.of();
    }
    List<JsonObject> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) instanceof JsonObject o) {
        out.add(o);
      } else {
        problems.add(key + " " + (i + 1) + ": must be an object");
        out.add(JsonValue.EMPTY_JSON_OBJECT);
      }
    }
    return out;
  }

  private static PathRule pathRule(int index, JsonObject o, List<String> problems) {
    String where = "rule " + index;
    unknownKeys(where, o, RULE_KEYS, problems);
    String pattern = text(o, "path", where, problems);
    if (pattern == null) {
      problems.add(where + ": 'path' is missing");
      return null;
    }
    where += " (" + pattern + ")";
    PathPattern p;
    try {
      p = PathPattern.parse(pattern);
    } catch (IllegalArgumentException e) {
      problems.add(where + ": path: " + e.getMessage());
      return null;
    }
    Expr read = condition(o, "read", p.captureNames(), ConditionParser.Use.READ, where, problems);
    Expr write =
        condition(o, "write", p.captureNames(), ConditionParser.Use.WRITE, where, problems);
    return new PathRule(index, p, read, write);
  }

  private static FunctionRule functionRule(int index, JsonObject o, List<String> problems) {
    String where = "function rule " + index;
    unknownKeys(where, o, FUNCTION_KEYS, problems);
    String name = text(o, "function", where, problems);
    if (name == null) {
      problems.add(where + ": 'function' is missing");
      return null;
    }
    where += " (" + name + ")";
    boolean prefix = name.endsWith("*");
    String n = prefix ? name.substring(0, name.length() - 1) : name;
    if (n.contains("*") || !n.matches("[A-Za-z0-9._-]*")) {
      problems.add(
          where
              + ": a function name is letters, digits, '.', '_' and '-', with an optional"
              + " trailing '*'");
      return null;
    }
    Expr call = condition(o, "call", List.of(), ConditionParser.Use.CALL, where, problems);
    return new FunctionRule(index, n, prefix, call);
  }

  private static void unknownKeys(
      String where, JsonObject o, Set<String> known, List<String> problems) {
    for (String k : o.keySet()) {
      if (!known.contains(k)) {
        problems.add(
            where
                + ": unknown key '"
                + k
                + "' (known: "
                + String.join(", ", new java.util.TreeSet<>(known))
                + ")");
      }
    }
  }

  private static String text(JsonObject o, String key, String where, List<String> problems) {
    JsonValue v = o.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof JsonString s) {
      return s.getString();
    }
    problems.add(where + ": '" + key + "' must be a string");
    return null;
  }

  private static Expr condition(
      JsonObject o,
      String key,
      List<String> captures,
      ConditionParser.Use use,
      String where,
      List<String> problems) {
    JsonValue v = o.get(key);
    if (v == null) {
      return DENY;
    }
    if (v == JsonValue.TRUE || v == JsonValue.FALSE) {
      return new Expr.Literal(v == JsonValue.TRUE);
    }
    if (!(v instanceof JsonString s)) {
      problems.add(where + ": '" + key + "' must be a condition (a string) or true/false");
      return DENY;
    }
    try {
      return ConditionParser.parse(s.getString(), captures, use);
    } catch (IllegalArgumentException e) {
      problems.add(where + ": " + key + ": " + e.getMessage() + " in: " + s.getString());
      return DENY;
    }
  }

  /** Where the rules came from (a file, or why there are none). */
  public String source() {
    return source;
  }

  /** How many path rules and function rules there are. */
  public int size() {
    return rules.size() + functions.size();
  }

  /** The rule deciding for {@code path}, with its captures; null when none matches. */
  Decider decider(Path path) {
    // The root (listed, never read) is matched only by a leading ** ("/**").
    List<PathRule> candidates = path.isRoot() ? null : byFirstSegment.get(path.segment(0));
    for (PathRule r : candidates != null ? candidates : wildcardFirst) {
      String[] captures = r.pattern.match(path);
      if (captures != null) {
        return new Decider(r, captures);
      }
    }
    return null;
  }

  /** A path rule found for one path, with that path's captures. */
  record Decider(PathRule rule, String[] captures) {}

  /** Whether {@code caller} may read {@code path}, reading data through {@code data}. */
  public boolean canRead(Caller caller, Path path, DataAccess data) {
    if (caller.isSystem()) {
      return true;
    }
    Decider d = decider(path);
    return d != null && test(d.rule.read, new Env(caller, d.captures, null, null, data));
  }

  /**
   * Whether {@code caller} may write {@code value} at {@code path}, reading data through {@code
   * data}. {@code value} is asked for only by a condition that uses it; it gives null for a delete.
   */
  public boolean canWrite(Caller caller, Path path, Supplier<JsonValue> value, DataAccess data) {
    if (caller.isSystem()) {
      return true;
    }
    Decider d = decider(path);
    return d != null && test(d.rule.write, new Env(caller, d.captures, value, null, data));
  }

  /** Whether {@code caller} may call {@code function} with {@code args} (null: none). */
  public boolean canCall(Caller caller, String function, JsonValue args, DataAccess data) {
    if (caller.isSystem()) {
      return true;
    }
    FunctionRule best = null;
    for (FunctionRule f : functions) {
      boolean matches = f.prefix ? function.startsWith(f.name) : function.equals(f.name);
      if (matches && (best == null || more(f, best))) {
        best = f;
      }
    }
    return best != null && test(best.call, new Env(caller, NO_CAPTURES, null, args, data));
  }

  /** An exact name over any prefix, a longer prefix over a shorter. */
  private static boolean more(FunctionRule f, FunctionRule than) {
    if (f.prefix != than.prefix) {
      return !f.prefix;
    }
    return f.name.length() > than.name.length();
  }

  /**
   * Whether the read decision for {@code path} may depend on data (so it can change while the
   * caller watches it without the rules changing). False also when no rule matches (a fixed deny).
   */
  public boolean readDependsOnData(Path path) {
    Decider d = decider(path);
    return d != null && d.rule.read.readsData();
  }

  private static boolean test(Expr e, Env env) {
    return Boolean.TRUE.equals(e.eval(env));
  }
}
