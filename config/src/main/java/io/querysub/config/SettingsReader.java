package io.querysub.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
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

  private final SettingValues in;

  private SettingsReader(Function<String, Optional<String>> source) {
    this.in = new SettingValues(source);
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
    int nodeId = in.integer(NODE_ID, 1, 0, 65_535);
    Path dataDir = directory(DATA_DIR, "./data");
    int shardDepth = in.integer(SHARD_DEPTH, 2, 1, 64);
    Duration maxChangeAge = in.duration(MAX_CHANGE_AGE, "60s", Duration.ofMillis(1));
    Duration historyRetention = in.duration(HISTORY_RETENTION, "0s", Duration.ZERO);
    int stripes = in.integer(COMMIT_STRIPES, 64, 1, 1 << 16);
    if (stripes > 0 && Integer.bitCount(stripes) != 1) {
      in.problem(COMMIT_STRIPES + "=" + stripes + ": must be a power of two");
    }
    Duration goldenInterval = in.duration(GOLDEN_INTERVAL, "1s", Duration.ofMillis(10));
    int maxValue = size(MAX_VALUE_SIZE, "1MiB");
    int maxRequest = size(MAX_REQUEST_SIZE, "16MiB");
    int maxWrites = in.integer(MAX_TX_WRITES, 1000, 1, 1_000_000);
    int maxReads = in.integer(MAX_TX_READS, 10_000, 0, 10_000_000);
    int maxPage = in.integer(MAX_CHILDREN_PAGE, 1000, 1, 1_000_000);
    int defaultPage = in.integer(DEFAULT_CHILDREN_PAGE, 100, 1, 1_000_000);
    // Milliseconds by the key's own name (a bare number, unlike the durations above).
    int walFlush = in.integer(WAL_FLUSH_MILLIS, 5, 0, 10_000);
    int walSegment = size(WAL_SEGMENT_SIZE, "64MiB");
    if (walSegment > 0 && (walSegment < (64 << 10) || walSegment > (1 << 30))) {
      in.problem(
          WAL_SEGMENT_SIZE
              + "="
              + in.raw(WAL_SEGMENT_SIZE, "")
              + ": must be between 64KiB and 1GiB");
    }

    if (maxValue > 0 && maxRequest > 0 && maxRequest < maxValue) {
      in.problem(
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
      in.problem(
          DEFAULT_CHILDREN_PAGE + "=" + defaultPage + ": must not exceed " + MAX_CHILDREN_PAGE);
    }
    in.check();
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

  private int size(String key, String fallback) {
    String text = in.raw(key, fallback);
    long n = Units.bytes(text);
    if (n < 0) {
      in.problem(key + "=" + text + ": must be a size such as 1048576, 512KiB or 1MiB");
      return -1;
    }
    if (n < 16 || n > MAX_SIZE) {
      in.problem(key + "=" + text + ": must be between 16 bytes and 2GiB");
      return -1;
    }
    return (int) n;
  }

  private Path directory(String key, String fallback) {
    String text = in.raw(key, fallback);
    try {
      return Path.of(text).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      in.problem(key + "=" + text + ": not a usable directory name (" + e.getReason() + ")");
      return null;
    }
  }
}
