package io.querysub.core.perm;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a condition (grammar in {@code docs/permissions.md}):
 *
 * <pre>
 * or      := and ('||' and)*
 * and     := unary ('&amp;&amp;' unary)*
 * unary   := '!' unary | compare
 * compare := postfix (('==' | '!=') postfix)?
 * postfix := primary ('.' name)*
 * primary := 'string' | number | true | false | null | name | call | '(' or ')'
 * call    := exists('path') | data('path') | hasRole('role')
 * </pre>
 *
 * Names are the rule's captures, {@code caller} ({@code .id}, {@code .anonymous}), {@code value}
 * (write rules: the value written, null for a delete) and {@code args} (function rules). Errors
 * name the position (1-based column) and what was expected.
 */
final class ConditionParser {
  /** Where a condition stands: which names it may use. */
  enum Use {
    READ,
    WRITE,
    CALL
  }

  private final String src;
  private final List<String> captures;
  private final Use use;
  private int pos;

  private ConditionParser(String src, List<String> captures, Use use) {
    this.src = src;
    this.captures = captures;
    this.use = use;
  }

  /**
   * @throws IllegalArgumentException naming the column and the problem
   */
  static Expr parse(String src, List<String> captures, Use use) {
    ConditionParser p = new ConditionParser(src, captures, use);
    p.skip();
    if (p.pos == src.length()) {
      throw p.error("the condition is empty; write true or false");
    }
    Expr e = p.or();
    p.skip();
    if (p.pos != src.length()) {
      throw p.error("unexpected '" + src.charAt(p.pos) + "'");
    }
    return e;
  }

  private Expr or() {
    Expr left = and();
    while (take("||")) {
      left = new Expr.Or(left, and());
    }
    return left;
  }

  private Expr and() {
    Expr left = unary();
    while (take("&&")) {
      left = new Expr.And(left, unary());
    }
    return left;
  }

  private Expr unary() {
    skip();
    if (peek('!') && !src.startsWith("!=", pos)) {
      pos++;
      return new Expr.Not(unary());
    }
    return compare();
  }

  private Expr compare() {
    Expr left = postfix();
    if (take("==")) {
      return new Expr.Equals(left, postfix(), false);
    }
    if (take("!=")) {
      return new Expr.Equals(left, postfix(), true);
    }
    return left;
  }

  private Expr postfix() {
    Expr e = primary();
    while (true) {
      skip();
      if (!peek('.')) {
        return e;
      }
      pos++;
      e = new Expr.Member(e, name("a field name after '.'"));
    }
  }

  private Expr primary() {
    skip();
    if (pos >= src.length()) {
      throw error("the condition ends too early");
    }
    char c = src.charAt(pos);
    if (c == '(') {
      pos++;
      Expr e = or();
      expect(')');
      return e;
    }
    if (c == '\'' || c == '"') {
      return new Expr.Literal(string());
    }
    if (c == '-' || Character.isDigit(c)) {
      return new Expr.Literal(number());
    }
    int at = pos;
    String n = name("a value, a name or a call");
    switch (n) {
      case "true":
        return new Expr.Literal(Boolean.TRUE);
      case "false":
        return new Expr.Literal(Boolean.FALSE);
      case "null":
        return new Expr.Literal(null);
      case "exists":
      case "data":
        {
          expect('(');
          int tAt = pos;
          Expr.PathTemplate t = template(string(), tAt);
          expect(')');
          return new Expr.Read(t, n.equals("exists"));
        }
      case "hasRole":
        {
          expect('(');
          String role = string();
          expect(')');
          return new Expr.HasRole(role);
        }
      case "caller":
        return new Expr.Name(n);
      case "value":
        if (use != Use.WRITE) {
          throw error(at, "'value' (the value written) is known only in write conditions");
        }
        return new Expr.Name(n);
      case "args":
        if (use != Use.CALL) {
          throw error(at, "'args' (a call's arguments) is known only in call conditions");
        }
        return new Expr.Name(n);
      default:
        int i = captures.indexOf(n);
        if (i < 0) {
          throw error(
              at,
              "unknown name '"
                  + n
                  + "'; known: "
                  + (captures.isEmpty() ? "" : String.join(", ", captures) + ", ")
                  + "caller"
                  + (use == Use.WRITE ? ", value" : use == Use.CALL ? ", args" : ""));
        }
        return new Expr.Capture(i);
    }
  }

  /** A data path: '/'-separated literal segments and {capture} or {caller.id} placeholders. */
  private Expr.PathTemplate template(String text, int at) {
    if (!text.startsWith("/") || text.length() < 2 || text.endsWith("/")) {
      throw error(
          at, "a data path is like '/rooms/{room}/members/{caller.id}'; got '" + text + "'");
    }
    List<Object> segs = new ArrayList<>();
    for (String s : text.substring(1).split("/", -1)) {
      if (s.startsWith("{") && s.endsWith("}")) {
        String n = s.substring(1, s.length() - 1);
        if (n.equals("caller.id")) {
          segs.add(Expr.PathTemplate.CALLER_ID);
        } else if (captures.contains(n)) {
          segs.add(captures.indexOf(n));
        } else {
          throw error(at, "data path '" + text + "' names {" + n + "}, not a capture of the rule");
        }
      } else if (s.isEmpty() || s.contains("{") || s.contains("}") || s.contains("*")) {
        throw error(at, "data path '" + text + "' has a bad segment '" + s + "'");
      } else {
        try {
          segs.add(io.querysub.engine.path.Path.parse("/" + s).segment(0));
        } catch (RuntimeException e) {
          throw error(at, "data path '" + text + "': " + e.getMessage());
        }
      }
    }
    return new Expr.PathTemplate(text, List.copyOf(segs));
  }

  private String string() {
    skip();
    if (pos >= src.length() || (src.charAt(pos) != '\'' && src.charAt(pos) != '"')) {
      throw error("expected a quoted string");
    }
    char q = src.charAt(pos++);
    StringBuilder b = new StringBuilder();
    while (pos < src.length() && src.charAt(pos) != q) {
      char c = src.charAt(pos++);
      if (c == '\\' && pos < src.length()) {
        c = src.charAt(pos++);
      }
      b.append(c);
    }
    if (pos >= src.length()) {
      throw error("a string is not closed");
    }
    pos++;
    return b.toString();
  }

  private BigDecimal number() {
    int start = pos;
    if (peek('-')) {
      pos++;
    }
    while (pos < src.length()
        && (Character.isDigit(src.charAt(pos))
            || src.charAt(pos) == '.'
            || src.charAt(pos) == 'e'
            || src.charAt(pos) == 'E')) {
      pos++;
    }
    try {
      return new BigDecimal(src.substring(start, pos));
    } catch (NumberFormatException e) {
      throw error(start, "'" + src.substring(start, pos) + "' is not a number");
    }
  }

  private String name(String what) {
    skip();
    int start = pos;
    while (pos < src.length()
        && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
      pos++;
    }
    if (start == pos || Character.isDigit(src.charAt(start))) {
      throw error(start, "expected " + what);
    }
    return src.substring(start, pos);
  }

  private boolean take(String op) {
    skip();
    if (src.startsWith(op, pos)) {
      pos += op.length();
      return true;
    }
    return false;
  }

  private void expect(char c) {
    skip();
    if (!peek(c)) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private boolean peek(char c) {
    return pos < src.length() && src.charAt(pos) == c;
  }

  private void skip() {
    while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
      pos++;
    }
  }

  private IllegalArgumentException error(String why) {
    return error(pos, why);
  }

  private IllegalArgumentException error(int at, String why) {
    return new IllegalArgumentException("column " + (at + 1) + ": " + why);
  }
}
