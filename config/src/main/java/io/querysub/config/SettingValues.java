package io.querysub.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads typed settings from a key-value source, collecting every problem instead of failing on the
 * first: each message names the key, the value and the rule. The node's, the sync endpoint's and
 * the server functions' settings all read through one of these, then call {@link #check()}.
 */
public final class SettingValues {
  private final Function<String, Optional<String>> source;
  private final List<String> problems = new ArrayList<>();

  public SettingValues(Function<String, Optional<String>> source) {
    this.source = source;
  }

  /** The trimmed text of {@code key}, or {@code fallback} when it is missing or blank. */
  public String raw(String key, String fallback) {
    return source.apply(key).map(String::trim).filter(s -> !s.isEmpty()).orElse(fallback);
  }

  /** A whole number in {@code min..max}; -1 (and a problem) otherwise. */
  public int integer(String key, int fallback, int min, int max) {
    String text = raw(key, Integer.toString(fallback));
    try {
      int n = Integer.parseInt(text);
      if (n < min || n > max) {
        problem(key + "=" + text + ": must be between " + min + " and " + max);
        return -1;
      }
      return n;
    } catch (NumberFormatException e) {
      problem(key + "=" + text + ": must be a whole number");
      return -1;
    }
  }

  /** A duration with a unit ({@code 500ms}, {@code 60s}, {@code PT60S}) of at least {@code min}. */
  public Duration duration(String key, String fallback, Duration min) {
    String text = raw(key, fallback);
    Duration d = Units.duration(text);
    if (d == null) {
      problem(key + "=" + text + ": must be a duration such as 500ms, 60s, 5m, 1h or PT60S");
      return Duration.ZERO;
    }
    if (d.compareTo(min) < 0) {
      problem(key + "=" + text + ": must be at least " + min.toMillis() + "ms");
    }
    return d;
  }

  /**
   * A byte size ({@code 1048576}, {@code 512KiB}, {@code 8MiB}; binary units) in {@code min..max}
   * bytes; -1 (and a problem) otherwise.
   */
  public int bytes(String key, String fallback, int min, int max) {
    String text = raw(key, fallback);
    long n = Units.bytes(text);
    if (n < 0) {
      problem(key + "=" + text + ": must be a size such as 1048576, 512KiB or 1MiB");
      return -1;
    }
    if (n < min || n > max) {
      problem(key + "=" + text + ": must be between " + min + " and " + max + " bytes");
      return -1;
    }
    return (int) n;
  }

  /** {@code true} or {@code false} (any case); {@code fallback} (and a problem) otherwise. */
  public boolean bool(String key, boolean fallback) {
    String text = raw(key, Boolean.toString(fallback));
    if (text.equalsIgnoreCase("true")) {
      return true;
    }
    if (text.equalsIgnoreCase("false")) {
      return false;
    }
    problem(key + "=" + text + ": must be true or false");
    return fallback;
  }

  /** Records a problem found by a rule of the caller's own. */
  public void problem(String message) {
    problems.add(message);
  }

  public boolean hasProblems() {
    return !problems.isEmpty();
  }

  /**
   * @throws ConfigurationException listing every problem found so far, if there is one
   */
  public void check() {
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
  }
}
