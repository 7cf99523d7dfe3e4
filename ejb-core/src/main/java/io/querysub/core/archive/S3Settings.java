package io.querysub.core.archive;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where an {@link S3ArchiveStore} keeps its objects, and how it signs in. Works for MinIO, AWS S3
 * and Backblaze B2's S3 API; the client picks path-style or virtual-host-style addressing from the
 * endpoint (virtual-host for {@code amazonaws.com}, path-style elsewhere).
 *
 * <p>{@link #toString()} leaves the secret key out, so these settings can be logged.
 *
 * @param endpoint {@code http(s)://host[:port]}, with no path, query or user info
 * @param region the bucket's region ({@code us-east-1} for MinIO; {@code us-west-004} and the like
 *     for B2); given, the client never asks the server for it
 * @param bucket an existing bucket (S3 naming rules: 3-63 lowercase letters, digits, dots, hyphens)
 * @param accessKey the access key id
 * @param secretKey the secret key: never in messages, logs or {@link #toString()}
 * @param prefix folder inside the bucket every key is stored under, without leading or trailing
 *     slash ({@code ""}: the bucket's root), so several nodes or archives can share a bucket
 * @param createBucket create the bucket on first use if it is missing (needs {@code
 *     s3:CreateBucket}; off by default, as production buckets are made by whoever owns them)
 * @param timeout connect, read and write timeout of each request, so an unreachable store fails
 *     fast instead of hanging the archiver
 */
public record S3Settings(
    String endpoint,
    String region,
    String bucket,
    String accessKey,
    String secretKey,
    String prefix,
    boolean createBucket,
    Duration timeout) {
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern REGION = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._/-]*");

  public S3Settings {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(accessKey, "accessKey");
    Objects.requireNonNull(secretKey, "secretKey");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(timeout, "timeout");
    prefix = normalizePrefix(prefix);
    refuse("endpoint " + endpoint, endpointProblem(endpoint));
    refuse("region " + region, regionProblem(region));
    refuse("bucket " + bucket, bucketProblem(bucket));
    refuse("prefix " + prefix, prefixProblem(prefix));
    if (accessKey.isBlank() || secretKey.isBlank()) {
      throw new IllegalArgumentException("S3 access key and secret key must not be empty");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("S3 timeout must be more than 0, got " + timeout);
    }
  }

  @Override
  public String toString() {
    return "S3Settings[endpoint="
        + endpoint
        + ", region="
        + region
        + ", bucket="
        + bucket
        + ", accessKey="
        + accessKey
        + ", secretKey=(hidden), prefix="
        + prefix
        + ", createBucket="
        + createBucket
        + ", timeout="
        + timeout
        + "]";
  }

  /** The prefix without leading or trailing slashes (and trimmed). */
  static String normalizePrefix(String prefix) {
    String p = prefix.trim();
    int from = 0;
    int to = p.length();
    while (from < to && p.charAt(from) == '/') {
      from++;
    }
    while (to > from && p.charAt(to - 1) == '/') {
      to--;
    }
    return p.substring(from, to);
  }

  /** What is wrong with {@code endpoint}, or null when it is usable. */
  static String endpointProblem(String endpoint) {
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (URISyntaxException e) {
      return "not a URL (" + e.getReason() + ")";
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
      return "must start with https:// or http://";
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null) {
      return "must be http(s)://host[:port], with no user or password in it";
    }
    boolean bareRoot = uri.getRawPath() == null || uri.getRawPath().isEmpty();
    if (!(bareRoot || uri.getRawPath().equals("/"))
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      return "must have no path or query (the bucket is a setting of its own)";
    }
    return null;
  }

  static String bucketProblem(String bucket) {
    if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
      return "must be 3-63 lowercase letters, digits, dots and hyphens, starting and ending with"
          + " a letter or digit";
    }
    return null;
  }

  static String regionProblem(String region) {
    return REGION.matcher(region).matches()
        ? null
        : "must be a region name such as us-east-1 or us-west-004";
  }

  /** Checks an already normalized prefix. */
  static String prefixProblem(String prefix) {
    if (!PREFIX.matcher(prefix).matches()) {
      return "may hold only letters, digits and . _ - /";
    }
    if (!prefix.isEmpty()) {
      for (String segment : prefix.split("/", -1)) {
        if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
          return "must not have empty, . or .. segments";
        }
      }
    }
    return null;
  }

  private static void refuse(String what, String problem) {
    if (problem != null) {
      throw new IllegalArgumentException("S3 " + what + ": " + problem);
    }
  }
}
