package io.querysub.it.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.querysub.engine.version.Version;
import jakarta.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Payara Micro node archiving to a real S3-protocol server (S3Proxy in the test's JVM): while the
 * server is away writes are still answered 200 and the readiness check says the archive is
 * degraded; when it returns the archive catches up; then the node is killed with SIGKILL, its data
 * directory is deleted, and a node started on an empty one holds every write, from the archive
 * alone.
 */
class S3ArchiveIT {
  private static final String ACCESS = "querysub-it";
  private static final String SECRET = "querysub-it-secret-51c2";
  private static final String BUCKET = "archive-it";
  private static final int WRITES = 60;

  private final BlobStore blobs = new TransientNio2BlobStore();
  private S3Proxy proxy;
  private int port;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @BeforeEach
  void startS3() throws Exception {
    blobs.createContainer(BUCKET);
    startProxy(0);
  }

  /** Every node started, killed after the test whatever its outcome (no JVM outlives it). */
  private final List<MicroProcess> nodes = new ArrayList<>();

  @AfterEach
  void stopS3() throws Exception {
    for (MicroProcess n : nodes) {
      if (n.process.isAlive()) {
        n.kill9();
      }
    }
    if (proxy != null) {
      proxy.stop();
    }
    blobs.close();
  }

  private void startProxy(int wanted) throws Exception {
    proxy = S3Proxies.start(blobs, wanted, ACCESS, SECRET);
    port = proxy.getPort();
  }

  private List<String> s3Options() {
    return List.of(
        "-Dquerysub.archive.store=s3",
        "-Dquerysub.archive.s3.endpoint=http://127.0.0.1:" + port,
        "-Dquerysub.archive.s3.bucket=" + BUCKET,
        "-Dquerysub.archive.s3.accessKey=" + ACCESS,
        "-Dquerysub.archive.s3.secretKey=" + SECRET,
        "-Dquerysub.archive.s3.timeout=1s",
        "-Dquerysub.archive.retryMax=1s");
  }

  @Test
  void aNodeOnAnEmptyDiskHoldsEveryWriteFromItsS3Archive() throws Exception {
    Path micro = MicroProcess.file("payara.microJar").toPath();
    Path war = MicroProcess.file("querysub.war").toPath();
    Path work = Path.of("target/s3-archive").toAbsolutePath();
    MicroProcess.deleteTree(work);
    Files.createDirectories(work);

    MicroProcess a = start(micro, war, work.resolve("data-a"), work, "s3-node-a");
    Version last = Version.ZERO;
    for (int i = 0; i < WRITES / 2; i++) {
      last = put(a, i);
    }
    ArchiveChecks.awaitArchived(http, a, last);

    proxy.stop();
    proxy = null;
    for (int i = WRITES / 2; i < WRITES; i++) {
      last = put(a, i); // answered 200 (durable in the log) while the store is away
    }
    // Degraded, with the new writes waiting once they are golden.
    JsonObject degraded = awaitDegradedWithWritesWaiting(a);
    assertThat(degraded.getString("lastError")).contains("127.0.0.1:" + port);

    startProxy(port);
    ArchiveChecks.awaitArchived(http, a, last);
    assertThat(a.kill9()).isEqualTo(137);
    a.deleteRoot();
    MicroProcess.deleteTree(work.resolve("data-a"));

    MicroProcess b = start(micro, war, work.resolve("data-b"), work, "s3-node-b");
    for (int i = 0; i < WRITES; i++) {
      HttpResponse<String> r = http.send(get(b, path(i)), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(path(i)).isEqualTo(200);
      assertThat(ArchiveChecks.json(r.body()).getJsonObject("value").getInt("i")).isEqualTo(i);
    }
    System.out.println(
        "S3ArchiveIT: node b recovered " + b.archivedWrites() + " writes from the S3 archive");
    assertThat(b.archivedWrites()).isGreaterThanOrEqualTo(WRITES);
    b.stop();
    b.deleteRoot();
  }

  private MicroProcess start(Path micro, Path war, Path data, Path work, String name)
      throws Exception {
    Files.createDirectories(data);
    MicroProcess p = MicroProcess.start(micro, war, data, work, name, s3Options());
    nodes.add(p);
    if (!p.awaitReady(Duration.ofSeconds(180))) {
      p.kill9();
      throw new AssertionError(name + " did not become ready: " + Files.readString(p.log));
    }
    return p;
  }

  private static String path(int i) {
    return "/api/v1/data/s3it/k" + (i % 5) + "/v" + i;
  }

  private Version put(MicroProcess n, int i) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(n.uri(path(i)))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"i\":" + i + "}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("PUT %s: %s", path(i), r.body()).isEqualTo(200);
    return Version.parse(ArchiveChecks.json(r.body()).getString("version"));
  }

  private static HttpRequest get(MicroProcess n, String path) {
    return HttpRequest.newBuilder(n.uri(path)).GET().build();
  }

  private JsonObject awaitDegradedWithWritesWaiting(MicroProcess n) throws Exception {
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      JsonObject d = ArchiveChecks.archiveCheck(http, n);
      if (d.getString("state").equals("degraded") && ArchiveChecks.number(d, "pendingWrites") > 0) {
        return d;
      }
      seen.add(d.toString());
      Thread.sleep(100);
    }
    throw new AssertionError(
        "archive never degraded with writes waiting; last: " + seen.get(seen.size() - 1));
  }
}
