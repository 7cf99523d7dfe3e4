package io.querysub.core.archive;

import io.querysub.config.ConfigurationException;
import io.querysub.config.SettingValues;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where golden writes are archived and how the archiver runs, read once at startup (unit-tested
 * without a container). How to configure each store: docs/archives.md.
 *
 * @param store which {@link io.querysub.engine.archive.ArchiveStore} holds the archive
 * @param dir the directory of the {@link Store#LOCAL} store
 * @param s3 the {@link Store#S3} store's settings; null unless {@code store} is {@code S3}
 * @param interval how often golden writes are archived
 * @param partitions partitions of the archive (a power of two, 1..1024)
 * @param largeValueBytes a value this large or larger is archived in an object of its own rather
 *     than inside a segment
 * @param historyRetention how long superseded versions are kept in the archive
 * @param maxSegmentsPerPartition past this many segments a partition's segments are merged
 * @param retryMax the longest wait between failed archive attempts (the wait doubles up to it)
 */
public record ArchiveSettings(
    Store store,
    Path dir,
    S3Settings s3,
    Duration interval,
    int partitions,
    int largeValueBytes,
    Duration historyRetention,
    int maxSegmentsPerPartition,
    Duration retryMax) {

  /** The kinds of store. */
  public enum Store {
    /** a directory on this node's disk (the default) */
    LOCAL,
    /** a bucket on an S3-protocol server: MinIO, AWS S3, Backblaze B2 */
    S3,
    /** no archive */
    NONE
  }

  public static final String STORE = "querysub.archive.store";
  public static final String DIR = "querysub.archive.dir";
  public static final String S3_ENDPOINT = "querysub.archive.s3.endpoint";
  public static final String S3_REGION = "querysub.archive.s3.region";
  public static final String S3_BUCKET = "querysub.archive.s3.bucket";
  public static final String S3_ACCESS_KEY = "querysub.archive.s3.accessKey";
  public static final String S3_SECRET_KEY = "querysub.archive.s3.secretKey";
  public static final String S3_PREFIX = "querysub.archive.s3.prefix";
  public static final String S3_CREATE_BUCKET = "querysub.archive.s3.createBucket";
  public static final String S3_TIMEOUT = "querysub.archive.s3.timeout";
  public static final String INTERVAL = "querysub.archive.interval";
  public static final String PARTITIONS = "querysub.archive.partitions";
  public static final String LARGE_VALUE_BYTES = "querysub.archive.largeValueBytes";
  public static final String HISTORY_RETENTION = "querysub.archive.historyRetention";
  public static final String MAX_SEGMENTS_PER_PARTITION =
      "querysub.archive.maxSegmentsPerPartition";
  public static final String RETRY_MAX = "querysub.archive.retryMax";

  /** The settings of a node configured with nothing: a local archive under {@code dataDir}. */
  public static ArchiveSettings defaults(Path dataDir) {
    return read(k -> Optional.empty(), dataDir);
  }

  /**
   * Reads the settings, applying defaults for missing keys.
   *
   * @param dataDir the node's data directory ({@code querysub.dataDir}); the local archive defaults
   *     to its {@code archive} folder
   * @throws ConfigurationException listing every invalid setting, each by its key (the secret key's
   *     value is never quoted)
   */
  public static ArchiveSettings read(Function<String, Optional<String>> source, Path dataDir) {
    SettingValues in = new SettingValues(source);
    Store store = store(in, PREFIX);
    Path dir = directory(in, PREFIX, dataDir.resolve("archive"));
    S3Settings s3 = store == Store.S3 ? s3(in, PREFIX) : null;
    Duration interval = in.duration(INTERVAL, "5s", Duration.ofMillis(10));
    int partitions = in.integer(PARTITIONS, 16, 1, 1024);
    if (partitions > 0 && Integer.bitCount(partitions) != 1) {
      in.problem(PARTITIONS + "=" + partitions + ": must be a power of two");
    }
    int large = in.bytes(LARGE_VALUE_BYTES, "8MiB", 1024, 1 << 30);
    Duration retention = in.duration(HISTORY_RETENTION, "7d", Duration.ZERO);
    int maxSegments = in.integer(MAX_SEGMENTS_PER_PARTITION, 32, 2, 100_000);
    Duration retryMax = in.duration(RETRY_MAX, "60s", Duration.ofMillis(100));
    in.check();
    return new ArchiveSettings(
        store, dir, s3, interval, partitions, large, retention, maxSegments, retryMax);
  }

  /** The prefix of the archive's keys. */
  public static final String PREFIX = "querysub.archive.";

  /**
   * Where another group of keys keeps objects, read like the archive's own store keys under {@code
   * prefix} ({@code prefix + "store"}, {@code "dir"}, {@code "s3.endpoint"}, ...): a backup
   * location. Without a {@code dir} key the local store is {@code defaultDir}.
   *
   * @return the store's kind, directory and S3 settings (the archiver's fields hold defaults)
   * @throws ConfigurationException listing every invalid setting, each by its key
   */
  public static ArchiveSettings readStore(
      Function<String, Optional<String>> source, String prefix, Path defaultDir) {
    SettingValues in = new SettingValues(source);
    Store store = store(in, prefix);
    Path dir = directory(in, prefix, defaultDir);
    S3Settings s3 = store == Store.S3 ? s3(in, prefix) : null;
    in.check();
    ArchiveSettings d = defaults(defaultDir);
    return new ArchiveSettings(
        store,
        dir,
        s3,
        d.interval(),
        d.partitions(),
        d.largeValueBytes(),
        d.historyRetention(),
        d.maxSegmentsPerPartition(),
        d.retryMax());
  }

  private static Store store(SettingValues in, String prefix) {
    String key = prefix + "store";
    String text = in.raw(key, "local");
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "local" -> Store.LOCAL;
      case "s3" -> Store.S3;
      case "none" -> Store.NONE;
      default -> {
        in.problem(key + "=" + text + ": must be local, s3 or none");
        yield Store.NONE;
      }
    };
  }

  private static Path directory(SettingValues in, String prefix, Path fallback) {
    String key = prefix + "dir";
    String text = in.raw(key, "");
    if (text.isEmpty()) {
      return fallback.toAbsolutePath().normalize();
    }
    try {
      return Path.of(text).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      in.problem(key + "=" + text + ": not a usable directory name (" + e.getReason() + ")");
      return null;
    }
  }

  /** The S3 group; null (with problems recorded) when any part is wrong. */
  private static S3Settings s3(SettingValues in, String p) {
    String endpoint = required(in, p, p + "s3.endpoint");
    String region = in.raw(p + "s3.region", "us-east-1");
    String bucket = required(in, p, p + "s3.bucket");
    String accessKey = required(in, p, p + "s3.accessKey");
    String secretKey = required(in, p, p + "s3.secretKey");
    String prefix = S3Settings.normalizePrefix(in.raw(p + "s3.prefix", ""));
    boolean createBucket = in.bool(p + "s3.createBucket", false);
    Duration timeout = in.duration(p + "s3.timeout", "10s", Duration.ofMillis(100));
    boolean ok = endpoint != null && bucket != null && accessKey != null && secretKey != null;
    ok &= rule(in, p + "s3.endpoint", endpoint, S3Settings.endpointProblem(orEmpty(endpoint)));
    ok &= rule(in, p + "s3.region", region, S3Settings.regionProblem(region));
    ok &= rule(in, p + "s3.bucket", bucket, S3Settings.bucketProblem(orEmpty(bucket)));
    ok &= rule(in, p + "s3.prefix", prefix, S3Settings.prefixProblem(prefix));
    if (!ok || in.hasProblems()) {
      return null;
    }
    return new S3Settings(
        endpoint, region, bucket, accessKey, secretKey, prefix, createBucket, timeout);
  }

  private static String required(SettingValues in, String p, String key) {
    String text = in.raw(key, "");
    if (text.isEmpty()) {
      in.problem(key + ": required when " + p + "store=s3");
      return null;
    }
    return text;
  }

  /** Records {@code problem} for a present value; true when there is none. */
  private static boolean rule(SettingValues in, String key, String value, String problem) {
    if (value == null || problem == null) {
      return true;
    }
    in.problem(key + "=" + value + ": " + problem);
    return false;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
