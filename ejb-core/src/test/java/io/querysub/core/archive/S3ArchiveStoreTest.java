package io.querysub.core.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.querysub.engine.archive.ArchiveStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract, and what is S3's own, against a real S3-protocol server (S3Proxy). */
class S3ArchiveStoreTest extends ArchiveStoreContract {
  private static final String BUCKET = "querysub-archive";

  @RegisterExtension final S3ProxyServer server = new S3ProxyServer();

  private final List<ArchiveStore> opened = new ArrayList<>();

  @Override
  protected ArchiveStore newStore() {
    server.createBucket(BUCKET);
    return open(settings(BUCKET, "node-1", false));
  }

  private S3Settings settings(String bucket, String prefix, boolean createBucket) {
    return new S3Settings(
        server.endpoint(),
        "us-east-1",
        bucket,
        S3ProxyServer.ACCESS_KEY,
        S3ProxyServer.SECRET_KEY,
        prefix,
        createBucket,
        Duration.ofSeconds(5));
  }

  private ArchiveStore open(S3Settings settings) {
    S3ArchiveStore s = new S3ArchiveStore(settings);
    opened.add(s);
    return s;
  }

  @org.junit.jupiter.api.AfterEach
  void closeOthers() {
    opened.forEach(ArchiveStore::close);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void listPagesPastTheServersThousandKeysAPage() throws Exception {
    // S3Proxy, like S3, answers at most 1000 keys a request; 1234 need two pages.
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 1234; i++) {
      expected.add("segments/p0001/%020d.seg".formatted(i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (String k : expected) {
        done.add(
            pool.submit(
                () -> {
                  store.put(k, utf8("x"));
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(store.list("segments/")).containsExactlyElementsOf(expected);
    assertThat(store.list("")).hasSize(1234);
  }

  @Test
  void prefixesKeepStoresSharingABucketApart() throws Exception {
    ArchiveStore other = open(settings(BUCKET, "/node-2/", false));
    ArchiveStore whole = open(settings(BUCKET, "", false));

    store.put("manifests/00000000000000000001", utf8("mine"));
    other.put("manifests/00000000000000000001", utf8("theirs"));
    other.put("manifests/00000000000000000002", utf8("theirs too"));

    assertThat(store.get("manifests/00000000000000000001")).isEqualTo(utf8("mine"));
    assertThat(other.get("manifests/00000000000000000001")).isEqualTo(utf8("theirs"));
    assertThat(store.list("")).containsExactly("manifests/00000000000000000001");
    assertThat(store.size("manifests/00000000000000000002")).isEqualTo(-1);
    assertThat(whole.list(""))
        .containsExactly(
            "node-1/manifests/00000000000000000001",
            "node-2/manifests/00000000000000000001",
            "node-2/manifests/00000000000000000002");

    other.delete("manifests/00000000000000000001");
    assertThat(store.get("manifests/00000000000000000001")).isEqualTo(utf8("mine"));
  }

  @Test
  void aBodyDamagedOnTheWayIsRefusedByTheServerAndNotStored() throws Exception {
    UnaryOperator<byte[]> flipFirstByte =
        b -> {
          byte[] c = b.clone();
          c[0] ^= 1;
          return c;
        };
    S3ArchiveStore damaging = new S3ArchiveStore(settings(BUCKET, "node-1", false), flipFirstByte);
    opened.add(damaging);

    assertThatThrownBy(() -> damaging.put("values/v.json", utf8("{\"a\":1}")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("BadDigest")
        .hasMessageContaining("values/v.json");
    assertThat(store.size("values/v.json")).isEqualTo(-1);
  }

  @Test
  void wrongCredentialsFailWithAMessageNamingWhereAndNotTheSecret() throws Exception {
    S3Settings good = settings(BUCKET, "node-1", false);
    String wrongSecret = "not-the-secret-4242";
    ArchiveStore wrong =
        open(
            new S3Settings(
                good.endpoint(),
                good.region(),
                BUCKET,
                good.accessKey(),
                wrongSecret,
                "node-1",
                false,
                good.timeout()));
    ArchiveStore unknownKey =
        open(
            new S3Settings(
                good.endpoint(),
                good.region(),
                BUCKET,
                "nobody",
                wrongSecret,
                "node-1",
                false,
                good.timeout()));

    for (ArchiveStore s : List.of(wrong, unknownKey)) {
      assertThatThrownBy(() -> s.put("manifests/00000000000000000001", utf8("m")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(server.endpoint())
          .hasMessageContaining(BUCKET)
          .hasMessageContaining("manifests/00000000000000000001")
          .hasMessageContaining("check the access key, the secret key")
          .hasMessageNotContaining(wrongSecret)
          .hasMessageNotContaining(S3ProxyServer.SECRET_KEY);
      assertThatThrownBy(() -> s.get("manifests/00000000000000000001"))
          .isInstanceOf(IOException.class)
          .isNotInstanceOf(io.querysub.engine.archive.ArchiveObjectNotFoundException.class)
          .hasMessageNotContaining(wrongSecret);
      assertThatThrownBy(() -> s.size("manifests/00000000000000000001"))
          .isInstanceOf(IOException.class);
      assertThatThrownBy(() -> s.list("")).isInstanceOf(IOException.class);
      assertThat(s.describe()).doesNotContain(wrongSecret);
    }
    assertThat(store.list("")).isEmpty();
  }

  @Test
  void aStoppedServerFailsAndTheSameStoreWorksOnceItIsBack() throws Exception {
    store.put("manifests/00000000000000000001", utf8("before"));

    server.stop();
    assertThatThrownBy(() -> store.put("manifests/00000000000000000002", utf8("during")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(server.endpoint())
        .hasMessageContaining("manifests/00000000000000000002");
    assertThatThrownBy(() -> store.get("manifests/00000000000000000001"))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(io.querysub.engine.archive.ArchiveObjectNotFoundException.class);
    assertThatThrownBy(() -> store.size("manifests/00000000000000000001"))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> store.list("")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> store.delete("manifests/00000000000000000001"))
        .isInstanceOf(IOException.class);

    server.restart();
    assertThat(store.get("manifests/00000000000000000001")).isEqualTo(utf8("before"));
    store.put("manifests/00000000000000000002", utf8("after"));
    assertThat(store.list("manifests/"))
        .containsExactly("manifests/00000000000000000001", "manifests/00000000000000000002");
  }

  @Test
  void aServerThatNeverAnswersTimesOutInsteadOfHanging() throws Exception {
    // Accepts connections (the kernel's backlog) and never answers: only the read timeout ends
    // the call. The MinIO client's own default would wait five minutes.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      ArchiveStore s =
          open(
              new S3Settings(
                  "http://127.0.0.1:" + silent.getLocalPort(),
                  "us-east-1",
                  BUCKET,
                  "a",
                  "b",
                  "",
                  false,
                  Duration.ofMillis(300)));
      assertTimeoutPreemptively(
          Duration.ofSeconds(60),
          () ->
              assertThatThrownBy(() -> s.size("manifests/00000000000000000001"))
                  .isInstanceOf(IOException.class)
                  .hasMessageContaining("no answer within the timeout of 300ms"));
    }
  }

  @Test
  void aMissingBucketIsAnErrorUnlessTheStoreMayCreateIt() throws Exception {
    ArchiveStore strict = open(settings("not-there", "", false));
    assertThatThrownBy(() -> strict.put("manifests/00000000000000000001", utf8("m")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("NoSuchBucket")
        .hasMessageContaining("not-there");
    assertThatThrownBy(() -> strict.get("manifests/00000000000000000001"))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(io.querysub.engine.archive.ArchiveObjectNotFoundException.class)
        .hasMessageContaining("NoSuchBucket");

    ArchiveStore creating = open(settings("made-on-first-use", "", true));
    creating.put("manifests/00000000000000000001", utf8("m"));
    assertThat(server.bucketExists("made-on-first-use")).isTrue();
    ArchiveStore again = open(settings("made-on-first-use", "", true));
    assertThat(again.get("manifests/00000000000000000001")).isEqualTo(utf8("m"));
  }

  @Test
  void describeNamesTheLocationAndNotTheSecret() {
    assertThat(store.describe())
        .contains(server.endpoint(), BUCKET, "node-1/", "us-east-1")
        .doesNotContain(S3ProxyServer.SECRET_KEY);
  }

  @Test
  void keysOutsideTheArchiveAlphabetAreRefused() {
    assertThatThrownBy(() -> store.put("a b", utf8("x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a b");
    assertThatThrownBy(() -> store.get("/abs")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.size("")).isInstanceOf(IllegalArgumentException.class);
  }
}
