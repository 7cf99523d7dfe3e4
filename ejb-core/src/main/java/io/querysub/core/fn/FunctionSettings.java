package io.querysub.core.fn;

import io.querysub.config.SettingValues;
import java.time.Duration;
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
    SettingValues in = new SettingValues(source);
    Duration timeout = in.duration(TIMEOUT, "5s", Duration.ZERO);
    Duration backoff = in.duration(BACKOFF, "1ms", Duration.ZERO);
    Duration maxBackoff = in.duration(MAX_BACKOFF, "100ms", Duration.ZERO);
    int attempts = in.integer(MAX_ATTEMPTS, 10, 1, 1000);
    int threads = in.integer(THREADS, 16, 1, 1024);
    Duration retention = in.duration(CALL_RETENTION, "5m", Duration.ZERO);
    if (timeout.isZero()) {
      in.problem(TIMEOUT + ": must be more than 0");
    }
    if (maxBackoff.compareTo(backoff) < 0) {
      in.problem(MAX_BACKOFF + ": must be at least " + BACKOFF);
    }
    in.check();
    return new FunctionSettings(timeout, attempts, backoff, maxBackoff, threads, retention);
  }
}
