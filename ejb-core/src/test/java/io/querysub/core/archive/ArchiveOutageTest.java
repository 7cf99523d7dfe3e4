package io.querysub.core.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.querysub.config.NodeSettings;
import io.querysub.config.SettingsReader;
import io.querysub.core.data.DataService;
import io.querysub.core.node.NodeEngine;
import io.querysub.core.node.NodeStorage;
import io.querysub.engine.archive.ArchiveStatus;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node archiving to a real S3-protocol server, and to a local directory: writes go on while the
 * store is away, archiving catches up when it returns, and a node with nothing but the archive
 * holds every golden write; the log is cut behind the archive and a restart still holds everything.
 */
class ArchiveOutageTest {
  private static final String BUCKET = "outage";

  @RegisterExtension final S3ProxyServer server = new S3ProxyServer();

  @TempDir java.nio.file.Path dir;

  private NodeSettings node(String name) {
    Map<String, String> v =
        Map.of(
            SettingsReader.DATA_DIR, dir.resolve(name).toString(),
            SettingsReader.MAX_CHANGE_AGE, "50ms",
            SettingsReader.WAL_SEGMENT_SIZE, "64KiB");
    return SettingsReader.read(k -> Optional.ofNullable(v.get(k)));
  }

  private ArchiveSettings s3(NodeSettings n) {
    Map<String, String> v = new HashMap<>();
    v.put(ArchiveSettings.STORE, "s3");
    v.put(ArchiveSettings.S3_ENDPOINT, server.endpoint());
    v.put(ArchiveSettings.S3_BUCKET, BUCKET);
    v.put(ArchiveSettings.S3_ACCESS_KEY, S3ProxyServer.ACCESS_KEY);
    v.put(ArchiveSettings.S3_SECRET_KEY, S3ProxyServer.SECRET_KEY);
    v.put(ArchiveSettings.S3_TIMEOUT, "2s");
    // The test runs each round itself.
    v.put(ArchiveSettings.INTERVAL, "1h");
    v.put(ArchiveSettings.RETRY_MAX, "2h");
    return ArchiveSettings.read(k -> Optional.ofNullable(v.get(k)), n.dataDir());
  }

  private static String value(int i) {
    return "{\"i\":" + i + ",\"pad\":\"" + "p".repeat(600) + "\"}";
  }

  private static void write(DataService d, int from, int to) {
    for (int i = from; i < to; i++) {
      d.write(
          io.querysub.core.auth.Caller.anonymous(),
          Path.parse("/items/i" + (i % 7) + "/v" + i),
          Value.ofJson(value(i)));
    }
  }

  private static void assertHolds(DataService d, int count) {
    for (int i = 0; i < count; i++) {
      assertThat(
              d.read(
                      io.querysub.core.auth.Caller.anonymous(),
                      Path.parse("/items/i" + (i % 7) + "/v" + i))
                  .value())
          .as("value %d", i)
          .isEqualTo(Value.ofJson(value(i)));
    }
  }

  /** Waits out maxChangeAge, then makes everything golden. */
  private static void golden(NodeEngine e) throws InterruptedException {
    Thread.sleep(120);
    e.store().advanceGolden();
  }

  @Test
  void writesGoOnWhileTheStoreIsAwayAndTheArchiveCatchesUpWhenItReturns() throws Exception {
    server.createBucket(BUCKET);
    NodeSettings a = node("a");
    NodeEngine ea = NodeEngine.standalone(a, s3(a));
    DataService da = new DataService(ea, a);
    write(da, 0, 100);
    golden(ea);
    assertThat(ea.archiver().archiveNow()).isEqualTo(100);

    server.stop();
    write(da, 100, 250);
    golden(ea);
    assertThatThrownBy(() -> ea.archiver().archiveNow()).isInstanceOf(IOException.class);
    ArchiveStatus down = ea.archiveStatus().orElseThrow();
    assertThat(down.degraded()).isTrue();
    assertThat(down.lastError()).contains(server.endpoint());
    assertThat(down.pendingWrites()).isEqualTo(150);
    assertThat(down.manifestSequence()).isEqualTo(1);
    // Accepted and readable while the store is away.
    assertHolds(da, 250);

    server.restart();
    assertThat(ea.archiver().archiveNow()).isEqualTo(150);
    ArchiveStatus up = ea.archiveStatus().orElseThrow();
    assertThat(up.degraded()).isFalse();
    assertThat(up.pendingWrites()).isZero();
    ea.stop();

    // A node with an empty data directory and the same archive holds every write.
    NodeSettings b = node("b");
    NodeEngine eb = NodeEngine.standalone(b, s3(b));
    assertHolds(new DataService(eb, b), 250);
    eb.stop();
  }

  @Test
  void theLogIsCutBehindTheArchiveAndARestartStillHoldsEverything() throws Exception {
    NodeSettings a = node("local");
    ArchiveSettings local = ArchiveSettings.defaults(a.dataDir());
    NodeEngine e = NodeEngine.standalone(a, local);
    DataService d = new DataService(e, a);
    write(d, 0, 400);
    int before = walSegments(a);
    assertThat(before).isGreaterThan(2);
    golden(e);
    e.archiver().archiveNow();
    // Closed segments wholly behind the archive (less the margin) are gone; the current one stays.
    assertThat(walSegments(a)).isLessThan(before);
    write(d, 400, 450);
    e.stop();

    NodeEngine again = NodeEngine.standalone(a, local);
    assertHolds(new DataService(again, a), 450);
    again.stop();
  }

  private static int walSegments(NodeSettings n) throws IOException {
    try (Stream<java.nio.file.Path> s = Files.list(n.dataDir().resolve(NodeStorage.WAL_DIR))) {
      return (int) s.filter(p -> p.getFileName().toString().endsWith(".log")).count();
    }
  }
}
