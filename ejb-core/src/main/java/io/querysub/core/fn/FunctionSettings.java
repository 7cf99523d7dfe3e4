package io.querysub.core.fn;

import io.querysub.config.ConfigurationException;
import io.querysub.config.Units;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * How the runner treats calls, read once at startup (unit-tested without a container).
 *
 * @param timeout default time limit of one run of a function
 * @param maxAttempts runs of a call before it fails with {@code CONFLICT}
 * @param backoff the wait before the second run; it doubles each run, with jitter, up to {@code
 *     maxBackoff}
 * @param maxBackoff the longest wait between runs
 * @param threads threads that run functions on this node
 * @param callRetention how long a call's record is kept after the call ends (and so how long a
 *     repeated call id returns the first outcome); zero keeps records for ever
 */
public record FunctionSettings(
    Duration timeout,
    int maxAttempts,
    Duration backoff,
    Duration maxBackoff,
    int threads,
    Duration callRetention) {
  public static final String TIMEOUT = "querysub.fn.timeout";
  public static final String MAX_ATTEMPTS = "querysub.fn.maxAttempts";
  public static final String BACKOFF = "querysub.fn.backoff";
  public static final String MAX_BACKOFF = "querysub.fn.maxBackoff";
  public static final String THREADS = "querysub.fn.threads";
  public static final String CALL_RETENTION = "querysub.fn.callRetention";

  public static FunctionSettings defaults() {
    return read(k -> Optional.empty());
  }

  /** Reads the settings, applying defaults; throws listing every invalid one. */
  public static FunctionSettings read(Function<String, Optional<String>> source) {
    List<String> problems = new ArrayList<>();
    Duration timeout = duration(source, TIMEOUT, "5s", problems);
    Duration backoff = duration(source, BACKOFF, "1ms", problems);
    Duration maxBackoff = duration(source, MAX_BACKOFF, "100ms", problems);
    int attempts = integer(source, MAX_ATTEMPTS, 10, 1, 1000, problems);
    int threads = integer(source, THREADS, 16, 1, 1024, problems);
    Duration retention = duration(source, CALL_RETENTION, "5m", problems);
    if (timeout.isZero()) {
      problems.add(TIMEOUT + ": must be more than 0");
    }
    if (maxBackoff.compareTo(backoff) < 0) {
      problems.add(MAX_BACKOFF + ": must be at least " + BACKOFF);
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    return new FunctionSettings(timeout, attempts, backoff, maxBackoff, threads, retention);
  }

  private static Duration duration(
      Function<String, Optional<String>> source,
      String key,
      String fallback,
      List<String> problems) {
    String text = source.apply(key).map(String::trim).filter(s -> !s.isEmpty()).orElse(fallback);
    Duration d = Units.duration(text);
    if (d == null || d.isNegative()) {
      problems.add(key + "=" + text + ": must be a duration such as 500ms, 5s or PT5S");
      return Duration.ZERO;
    }
    return d;
  }

  private static int integer(
      Function<String, Optional<String>> source,
      String key,
      int fallback,
      int min,
      int max,
      List<String> problems) {
    String text =
        source
            .apply(key)
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .orElse(Integer.toString(fallback));
    try {
      int n = Integer.parseInt(text);
      if (n >= min && n <= max) {
        return n;
      }
      problems.add(key + "=" + text + ": must be between " + min + " and " + max);
    } catch (NumberFormatException e) {
      problems.add(key + "=" + text + ": must be a whole number");
    }
    return min;
  }
}
