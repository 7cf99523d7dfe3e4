package io.querysub.core.archive;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.Http;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.messages.Item;
import io.querysub.engine.archive.ArchiveObjectNotFoundException;
import io.querysub.engine.archive.ArchiveStore;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;

/**
 * An {@link ArchiveStore} in an S3 bucket, through the MinIO client: MinIO, AWS S3, Backblaze B2
 * and any other server of the S3 protocol. Each archive key is stored as the object {@code
 * prefix/key} of the configured bucket.
 *
 * <p>What is durable when {@link #put} returns: the server accepted the object after checking its
 * body against the {@code Content-MD5} sent with it (a body damaged on the way is refused, and
 * nothing is stored), and a {@code HEAD} of the object then found it with the size sent. A single
 * PUT replaces an object atomically on S3, so a reader sees all of it or none.
 *
 * <p>Absent objects: {@link #get} throws {@link ArchiveObjectNotFoundException} and {@link #size}
 * answers -1 only for the server's {@code NoSuchKey}; every other refusal (credentials, a missing
 * bucket, a server error) is an {@link IOException} naming the endpoint, bucket and key, never the
 * secret key. A {@code HEAD} answer has no body, so {@link #size} cannot tell a missing bucket from
 * a missing object; the other calls can. Without {@code s3:ListBucket} AWS answers a read of a
 * missing object with {@code AccessDenied}, not {@code NoSuchKey}: grant it (docs/archives.md).
 *
 * <p>Threading: safe from any thread (the MinIO client is). Every call blocks on the network, each
 * request bounded by the configured connect, read and write timeouts.
 */
public final class S3ArchiveStore implements ArchiveStore {
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._/-]*");
  private static final Set<String> CREDENTIAL_CODES =
      Set.of(
          "AccessDenied",
          "InvalidAccessKeyId",
          "SignatureDoesNotMatch",
          "InvalidToken",
          "ExpiredToken");

  private final S3Settings settings;
  private final String root;
  private final MinioClient client;
  private final UnaryOperator<byte[]> wire;
  private final Object bucketLock = new Object();
  private volatile boolean bucketReady;

  /** Makes no request: the first call finds out whether the store is reachable. */
  public S3ArchiveStore(S3Settings settings) {
    this(settings, UnaryOperator.identity());
  }

  /**
   * @param wire what is sent for a put's bytes, after their checksum is taken: the identity, except
   *     in tests that damage a body on its way to the server
   */
  S3ArchiveStore(S3Settings settings, UnaryOperator<byte[]> wire) {
    this.settings = settings;
    this.root = settings.prefix().isEmpty() ? "" : settings.prefix() + "/";
    this.wire = wire;
    long ms = settings.timeout().toMillis();
    // As the client's default (HTTP/1.1, its retries of 5xx answers) with our timeouts in place of
    // its five minutes, and without its reading every certificate in $SSL_CERT_DIR (a second or
    // more per client): TLS trusts the JVM's trust store, as the rest of the server does.
    OkHttpClient http =
        new OkHttpClient.Builder()
            .connectTimeout(ms, TimeUnit.MILLISECONDS)
            .readTimeout(ms, TimeUnit.MILLISECONDS)
            .writeTimeout(ms, TimeUnit.MILLISECONDS)
            .protocols(List.of(Protocol.HTTP_1_1))
            .addInterceptor(new Http.StatusRetryInterceptor())
            .build();
    this.client =
        MinioClient.builder()
            .endpoint(settings.endpoint())
            .region(settings.region())
            .credentials(settings.accessKey(), settings.secretKey())
            .httpClient(http, true)
            .build();
    this.bucketReady = !settings.createBucket();
  }

  @Override
  public void put(String key, byte[] bytes) throws IOException {
    long start = System.nanoTime();
    String object = objectName(key);
    ensureBucket();
    String md5 = Base64.getEncoder().encodeToString(md5(bytes));
    byte[] body = wire.apply(bytes);
    try {
      client.putObject(
          PutObjectArgs.builder()
              .bucket(settings.bucket())
              .object(object)
              .data(body, body.length)
              .contentType("application/octet-stream")
              .headers(Map.of("Content-MD5", md5))
              .build());
    } catch (MinioException | RuntimeException e) {
      throw failure("put", object(key), start, e);
    }
    long stored = size(key);
    if (stored != bytes.length) {
      throw new IOException(
          "S3 put of "
              + object(key)
              + ": the server accepted "
              + bytes.length
              + " bytes but then "
              + (stored < 0 ? "had no such object" : "held " + stored + " bytes"));
    }
  }

  @Override
  public byte[] get(String key) throws IOException {
    long start = System.nanoTime();
    String object = objectName(key);
    ensureBucket();
    try (GetObjectResponse in =
        client.getObject(
            GetObjectArgs.builder().bucket(settings.bucket()).object(object).build())) {
      return in.readAllBytes();
    } catch (ErrorResponseException e) {
      if (isNoSuchKey(e)) {
        throw new ArchiveObjectNotFoundException(key);
      }
      throw failure("get", object(key), start, e);
    } catch (MinioException | RuntimeException | IOException e) {
      throw failure("get", object(key), start, e);
    }
  }

  @Override
  public long size(String key) throws IOException {
    long start = System.nanoTime();
    String object = objectName(key);
    ensureBucket();
    try {
      return client
          .statObject(StatObjectArgs.builder().bucket(settings.bucket()).object(object).build())
          .size();
    } catch (ErrorResponseException e) {
      if (isNoSuchKey(e)) {
        return -1;
      }
      throw failure("size", object(key), start, e);
    } catch (MinioException | RuntimeException e) {
      throw failure("size", object(key), start, e);
    }
  }

  @Override
  public List<String> list(String prefix) throws IOException {
    long start = System.nanoTime();
    checkKeyChars(prefix);
    ensureBucket();
    List<String> keys = new ArrayList<>();
    ListObjectsArgs args =
        ListObjectsArgs.builder()
            .bucket(settings.bucket())
            .prefix(root + prefix)
            .recursive(true)
            .build();
    try {
      // The iterable pages through the listing (1000 keys a request on most servers).
      for (Result<Item> result : client.listObjects(args)) {
        Item item = result.get();
        String name = item.objectName();
        if (!item.isDir() && name.startsWith(root) && name.length() > root.length()) {
          keys.add(name.substring(root.length()));
        }
      }
    } catch (MinioException | RuntimeException e) {
      throw failure("list", "keys under " + root + prefix + " in " + bucket(), start, e);
    }
    Collections.sort(keys);
    return keys;
  }

  @Override
  public void delete(String key) throws IOException {
    long start = System.nanoTime();
    String object = objectName(key);
    ensureBucket();
    try {
      client.removeObject(
          RemoveObjectArgs.builder().bucket(settings.bucket()).object(object).build());
    } catch (ErrorResponseException e) {
      if (!isNoSuchKey(e)) {
        throw failure("delete", object(key), start, e);
      }
    } catch (MinioException | RuntimeException e) {
      throw failure("delete", object(key), start, e);
    }
  }

  @Override
  public String describe() {
    return "S3 bucket "
        + settings.bucket()
        + (root.isEmpty() ? "" : " under " + root)
        + " at "
        + settings.endpoint()
        + " (region "
        + settings.region()
        + ")";
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (Exception e) {
      // Only the connection pool and the dispatcher's threads are released; nothing to lose.
    }
  }

  /** Creates the bucket once, before the first call, when the settings ask for it. */
  private void ensureBucket() throws IOException {
    if (bucketReady) {
      return;
    }
    synchronized (bucketLock) {
      if (bucketReady) {
        return;
      }
      String bucket = settings.bucket();
      long start = System.nanoTime();
      try {
        if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
          client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        }
      } catch (ErrorResponseException e) {
        // Another node made it between our check and our create: fine, it is ours.
        if (!"BucketAlreadyOwnedByYou".equals(e.errorResponse().code())) {
          throw failure("create", bucket(), start, e);
        }
      } catch (MinioException | RuntimeException e) {
        throw failure("create", bucket(), start, e);
      }
      bucketReady = true;
    }
  }

  private String objectName(String key) {
    if (key.isEmpty()) {
      throw new IllegalArgumentException("archive key must not be empty");
    }
    checkKeyChars(key);
    return root + key;
  }

  private static void checkKeyChars(String key) {
    if (!KEY.matcher(key).matches() || key.startsWith("/")) {
      throw new IllegalArgumentException(
          "archive key " + key + ": must be ASCII letters, digits and - _ . / (not leading)");
    }
  }

  private static boolean isNoSuchKey(ErrorResponseException e) {
    return "NoSuchKey".equals(e.errorResponse().code());
  }

  private String bucket() {
    return "bucket " + settings.bucket() + " at " + settings.endpoint();
  }

  private String object(String key) {
    return "key " + key + " (object " + root + key + ") in " + bucket();
  }

  /** An IOException naming the call, the endpoint, bucket and key, and the server's answer. */
  private IOException failure(String call, String target, long start, Exception e) {
    String reason;
    if (e instanceof ErrorResponseException ere) {
      String code = ere.errorResponse().code();
      reason = code + ": " + ere.errorResponse().message();
      if (CREDENTIAL_CODES.contains(code)) {
        reason += " (check the access key, the secret key and the bucket's permissions)";
      }
    } else {
      Throwable cause = e;
      // The MinIO client wraps network errors (refused, timed out) in IllegalStateException.
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof IOException) {
          cause = t;
          break;
        }
      }
      reason = cause.getClass().getSimpleName() + ": " + cause.getMessage();
      // A read timeout shows as "Socket closed" (the timeout closes the socket): say what it was.
      long millis = (System.nanoTime() - start) / 1_000_000;
      if (millis >= settings.timeout().toMillis()) {
        reason += " (no answer within the timeout of " + settings.timeout().toMillis() + "ms)";
      }
    }
    return new IOException("S3 " + call + " of " + target + " failed: " + reason, e);
  }

  private static byte[] md5(byte[] bytes) {
    try {
      return MessageDigest.getInstance("MD5").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has MD5", e);
    }
  }
}
