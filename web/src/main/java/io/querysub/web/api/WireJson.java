package io.querysub.web.api;

import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;
import jakarta.json.stream.JsonParsingException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads request bodies into protocol records strictly: unknown fields are refused (a typo such as
 * {@code "wirtes"} must not silently commit an empty transaction), then Bean Validation runs. Every
 * failure is a {@code BAD_REQUEST} naming the field, never a Java class or stack trace.
 */
@ApplicationScoped
public class WireJson {
  private static final Pattern UNKNOWN = Pattern.compile("Json property (\\S+) can not be mapped");
  private static final Pattern CLASS_NAME = Pattern.compile("(?:class )?\\b(?:[a-z_$][\\w$]*\\.)+");

  @Inject Validator validator;

  private final Jsonb jsonb =
      JsonbBuilder.create(new JsonbConfig().setProperty("jsonb.fail-on-unknown-properties", true));

  @PreDestroy
  void close() {
    try {
      jsonb.close();
    } catch (Exception e) {
      // Closing only releases caches; nothing to recover.
    }
  }

  <T> T read(byte[] body, Class<T> type) {
    String text = new String(body, StandardCharsets.UTF_8);
    if (!text.stripLeading().startsWith("{")) {
      throw bad("request body must be a JSON object");
    }
    T value;
    try {
      value = jsonb.fromJson(text, type);
    } catch (JsonbException e) {
      throw bad(describe(e));
    }
    if (value == null) {
      throw bad("request body must be a JSON object");
    }
    Set<ConstraintViolation<T>> violations = validator.validate(value);
    if (!violations.isEmpty()) {
      Set<String> problems = new TreeSet<>();
      for (ConstraintViolation<T> v : violations) {
        String field = v.getPropertyPath().toString().replace(".<list element>", "");
        problems.add(field + " " + v.getMessage());
      }
      throw bad("invalid request: " + String.join("; ", problems));
    }
    return value;
  }

  private static String describe(JsonbException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof JsonParsingException p) {
        return "request body is not valid JSON (line "
            + p.getLocation().getLineNumber()
            + ", column "
            + p.getLocation().getColumnNumber()
            + ")";
      }
      Matcher m = t.getMessage() == null ? null : UNKNOWN.matcher(t.getMessage());
      if (m != null && m.find()) {
        return "unknown field '" + m.group(1) + "'";
      }
    }
    String msg = e.getMessage() == null ? "" : CLASS_NAME.matcher(e.getMessage()).replaceAll("");
    return "request body does not have the expected shape: " + msg;
  }

  private static QuerysubException bad(String message) {
    return new QuerysubException(ErrorCode.BAD_REQUEST, message);
  }
}
