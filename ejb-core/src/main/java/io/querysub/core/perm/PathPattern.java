package io.querysub.core.perm;

import io.querysub.engine.path.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A rule's path pattern: segments that are literal text, a named capture {@code {room}} (one
 * segment, bound to a name), {@code *} (one segment) or, last only, {@code **} (zero or more
 * segments). Literal segments are compared with a parsed {@link Path}'s segments, so every spelling
 * a client may send ({@code %61}, NFC variants) matches the same pattern as its canonical form.
 * Immutable and thread-safe.
 *
 * <p>Specificity: of two patterns matching one path, the one with the more specific element at the
 * first position where they differ wins: a literal over a capture or {@code *}, either over {@code
 * **}, and a pattern that ends there over {@code **} matching nothing. Two patterns of one shape
 * (the same literals and the same kinds at every position) would tie; {@link RuleSet} refuses that.
 */
public final class PathPattern {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

  /** Reserved words an expression uses; a capture may not take one of them as its name. */
  static final Set<String> RESERVED =
      Set.of("caller", "value", "args", "true", "false", "null", "exists", "data", "hasRole");

  enum Kind {
    REST, // ** : rank 1
    ONE, // * or {name}: rank 2
    LITERAL // rank 3
  }

  private final String text;
  private final Kind[] kinds;
  private final String[] parts; // literal text, capture name, or null for * and **

  private PathPattern(String text, Kind[] kinds, String[] parts) {
    this.text = text;
    this.kinds = kinds;
    this.parts = parts;
  }

  /**
   * Parses a pattern.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  public static PathPattern parse(String text) {
    if (text == null || text.isEmpty() || text.charAt(0) != '/') {
      throw new IllegalArgumentException("a pattern starts with '/'");
    }
    if (text.equals("/**")) {
      return new PathPattern(text, new Kind[] {Kind.REST}, new String[] {null});
    }
    String[] raw = text.substring(1).split("/", -1);
    Kind[] kinds = new Kind[raw.length];
    String[] parts = new String[raw.length];
    Set<String> names = new HashSet<>();
    for (int i = 0; i < raw.length; i++) {
      String s = raw[i];
      if (s.equals("**")) {
        if (i != raw.length - 1) {
          throw new IllegalArgumentException("'**' may only be the last segment");
        }
        kinds[i] = Kind.REST;
      } else if (s.equals("*")) {
        kinds[i] = Kind.ONE;
      } else if (s.startsWith("{") && s.endsWith("}")) {
        String name = s.substring(1, s.length() - 1);
        if (!NAME.matcher(name).matches()) {
          throw new IllegalArgumentException(
              "capture '" + s + "' must be a name: a letter or '_', then letters, digits or '_'");
        }
        if (RESERVED.contains(name)) {
          throw new IllegalArgumentException("capture name '" + name + "' is a reserved word");
        }
        if (!names.add(name)) {
          throw new IllegalArgumentException("capture '" + name + "' appears twice");
        }
        kinds[i] = Kind.ONE;
        parts[i] = name;
      } else if (s.contains("*") || s.contains("{") || s.contains("}")) {
        throw new IllegalArgumentException(
            "segment '"
                + s
                + "' mixes text with '*' or braces; a segment is text, '*', '**' or"
                + " '{name}'");
      } else {
        try {
          // Decoded and normalized as a client's path would be; the system prefix is allowed.
          Path p = Path.parse("/" + s);
          kinds[i] = Kind.LITERAL;
          parts[i] = p.segment(0);
        } catch (RuntimeException e) {
          throw new IllegalArgumentException("segment '" + s + "': " + e.getMessage());
        }
      }
    }
    return new PathPattern(text, kinds, parts);
  }

  /** The capture names, in order. */
  public List<String> captureNames() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < kinds.length; i++) {
      if (kinds[i] == Kind.ONE && parts[i] != null) {
        names.add(parts[i]);
      }
    }
    return names;
  }

  /**
   * The captured segments when {@code path} matches, in {@link #captureNames} order (empty when the
   * pattern has none); null when it does not match.
   */
  String[] match(Path path) {
    int n = path.size();
    boolean rest = kinds.length > 0 && kinds[kinds.length - 1] == Kind.REST;
    int fixed = rest ? kinds.length - 1 : kinds.length;
    if (rest ? n < fixed : n != fixed) {
      return null;
    }
    int captures = 0;
    for (int i = 0; i < fixed; i++) {
      if (kinds[i] == Kind.LITERAL) {
        if (!parts[i].equals(path.segment(i))) {
          return null;
        }
      } else if (parts[i] != null) {
        captures++;
      }
    }
    String[] out = new String[captures];
    int c = 0;
    for (int i = 0; i < fixed; i++) {
      if (kinds[i] == Kind.ONE && parts[i] != null) {
        out[c++] = path.segment(i);
      }
    }
    return out;
  }

  /**
   * Positive when this pattern is more specific than {@code other} for a path both match, negative
   * when less, 0 when they have one shape.
   */
  int compareSpecificity(PathPattern other) {
    int n = Math.max(kinds.length, other.kinds.length);
    for (int i = 0; i < n; i++) {
      int a = i < kinds.length ? rank(kinds[i]) : 4; // ended here: exact, beats ** matching nothing
      int b = i < other.kinds.length ? rank(other.kinds[i]) : 4;
      if (a != b) {
        return Integer.compare(a, b);
      }
    }
    return 0;
  }

  /** Whether both patterns have one shape: both would match exactly the same paths. */
  boolean sameShape(PathPattern other) {
    if (kinds.length != other.kinds.length) {
      return false;
    }
    for (int i = 0; i < kinds.length; i++) {
      if (kinds[i] != other.kinds[i]) {
        return false;
      }
      if (kinds[i] == Kind.LITERAL && !parts[i].equals(other.parts[i])) {
        return false;
      }
    }
    return true;
  }

  /** The first segment when it is literal (an index key), else null. */
  String firstLiteral() {
    return kinds.length > 0 && kinds[0] == Kind.LITERAL ? parts[0] : null;
  }

  private static int rank(Kind k) {
    return switch (k) {
      case REST -> 1;
      case ONE -> 2;
      case LITERAL -> 3;
    };
  }

  @Override
  public String toString() {
    return text;
  }
}
