package io.querysub.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads and validates {@link NodeSettings} from any key-value source. Kept apart from MicroProfile
 * Config (see {@link SettingsProducer}) so the rules are unit-tested without a container. Every
 * problem is collected before failing, and each message names the key, the value and the rule.
 */
public final class SettingsReader {
  public static final String NODE_ID = "querysub.nodeId";
  public static final String DATA_DIR = "querysub.dataDir";
  public static final String SHARD_DEPTH = "querysub.shardDepth";
  public static final String MAX_CHANGE_AGE = "querysub.maxChangeAge";
  public static final String HISTORY_RETENTION = "querysub.historyRetention";
  public static final String COMMIT_STRIPES = "querysub.commitStripes";
  public static final String GOLDEN_INTERVAL = "querysub.goldenInterval";
  public static final String MAX_VALUE_SIZE = "querysub.maxValueSize";
  public static final String MAX_REQUEST_SIZE = "querysub.maxRequestSize";
  public static final String MAX_TX_WRITES = "querysub.maxTxWrites";
  public static final String MAX_TX_READS = "querysub.maxTxReads";
  public static final String MAX_CHILDREN_PAGE = "querysub.maxChildrenPage";
  public static final String DEFAULT_CHILDREN_PAGE = "querysub.defaultChildrenPage";
  public static final String WAL_FLUSH_MILLIS = "querysub.walFlushMillis";
  public static final String WAL_SEGMENT_SIZE = "querysub.walSegmentSize";

  private static final int MAX_SIZE = Integer.MAX_VALUE - 8; // largest Java byte array

  private final Function<String, Optional<String>> source;
  private final List<String> problems = new ArrayList<>();

  private SettingsReader(Function<String, Optional<String>> source) {
    this.source = source;
  }

  /**
   * Reads every setting, applying defaults for missing keys.
   *
   * @throws ConfigurationException listing every invalid setting
   */
  public static NodeSettings read(Function<String, Optional<String>> source) {
    return new SettingsReader(source).read();
  }

  private NodeSettings read() {
    int nodeId = integer(NODE_ID, 1, 0, 65_535);
    Path dataDir = directory(DATA_DIR, "./data");
    int shardDepth = integer(SHARD_DEPTH, 2, 1, 64);
    Duration maxChangeAge = duration(MAX_CHANGE_AGE, "60s", Duration.ofMillis(1));
    Duration historyRetention = duration(HISTORY_RETENTION, "0s", Duration.ZERO);
    int stripes = integer(COMMIT_STRIPES, 64, 1, 1 << 16);
    if (stripes > 0 && Integer.bitCount(stripes) != 1) {
      problems.add(COMMIT_STRIPES + "=" + stripes + ": must be a power of two");
    }
    Duration goldenInterval = duration(GOLDEN_INTERVAL, "1s", Duration.ofMillis(10));
    int maxValue = size(MAX_VALUE_SIZE, "1MiB");
    int maxRequest = size(MAX_REQUEST_SIZE, "16MiB");
    int maxWrites = integer(MAX_TX_WRITES, 1000, 1, 1_000_000);
    int maxReads = integer(MAX_TX_READS, 10_000, 0, 10_000_000);
    int maxPage = integer(MAX_CHILDREN_PAGE, 1000, 1, 1_000_000);
    int defaultPage = integer(DEFAULT_CHILDREN_PAGE, 100, 1, 1_000_000);
    // Milliseconds by the key's own name (a bare number, unlike the durations above).
    int walFlush = integer(WAL_FLUSH_MILLIS, 5, 0, 10_000);
    int walSegment = size(WAL_SEGMENT_SIZE, "64MiB");
    if (walSegment > 0 && (walSegment < (64 << 10) || walSegment > (1 << 30))) {
      problems.add(
          WAL_SEGMENT_SIZE + "=" + raw(WAL_SEGMENT_SIZE, "") + ": must be between 64KiB and 1GiB");
    }

    if (maxValue > 0 && maxRequest > 0 && maxRequest < maxValue) {
      problems.add(
          MAX_REQUEST_SIZE
              + "="
              + maxRequest
              + " bytes: must be at least "
              + MAX_VALUE_SIZE
              + " ("
              + maxValue
              + " bytes), or no value of the largest size could be sent");
    }
    if (maxPage > 0 && defaultPage > maxPage) {
      problems.add(
          DEFAULT_CHILDREN_PAGE + "=" + defaultPage + ": must not exceed " + MAX_CHILDREN_PAGE);
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    return new NodeSettings(
        nodeId,
        dataDir,
        shardDepth,
        maxChangeAge,
        historyRetention,
        stripes,
        goldenInterval,
        maxValue,
        maxRequest,
        maxWrites,
        maxReads,
        maxPage,
        defaultPage,
        walFlush,
        walSegment);
  }

  private String raw(String key, String fallback) {
    return source.apply(key).map(String::trim).filter(s -> !s.isEmpty()).orElse(fallback);
  }

  private int integer(String key, int fallback, int min, int max) {
    String text = raw(key, Integer.toString(fallback));
    try {
      int n = Integer.parseInt(text);
      if (n < min || n > max) {
        problems.add(key + "=" + text + ": must be between " + min + " and " + max);
        return -1;
      }
      return n;
    } catch (NumberFormatException e) {
      problems.add(key + "=" + text + ": must be a whole number");
      return -1;
    }
  }

  private Duration duration(String key, String fallback, Duration min) {
    String text = raw(key, fallback);
    Duration d = Units.duration(text);
    if (d == null) {
      problems.add(key + "=" + text + ": must be a duration such as 500ms, 60s, 5m, 1h or PT60S");
      return Duration.ZERO;
    }
    if (d.compareTo(min) < 0) {
      problems.add(key + "=" + text + ": must be at least " + min.toMillis() + "ms");
    }
    return d;
  }

  private int size(String key, String fallback) {
    String text = raw(key, fallback);
    long n = Units.bytes(text);
    if (n < 0) {
      problems.add(key + "=" + text + ": must be a size such as 1048576, 512KiB or 1MiB");
      return -1;
    }
    if (n < 16 || n > MAX_SIZE) {
      problems.add(key + "=" + text + ": must be between 16 bytes and 2GiB");
      return -1;
    }
    return (int) n;
  }

  private Path directory(String key, String fallback) {
    String text = raw(key, fallback);
    try {
      return Path.of(text).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      problems.add(key + "=" + text + ": not a usable directory name (" + e.getReason() + ")");
      return null;
    }
  }
}
