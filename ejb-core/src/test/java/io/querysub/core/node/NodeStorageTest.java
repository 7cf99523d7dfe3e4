package io.querysub.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.querysub.config.NodeSettings;
import io.querysub.config.SettingsReader;
import io.querysub.core.data.DataService;
import io.querysub.engine.fail.FailPoints;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.Value;
import io.querysub.engine.version.Version;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeStorageTest {
  private static final io.querysub.core.auth.Caller ANY = io.querysub.core.auth.Caller.anonymous();

  @TempDir java.nio.file.Path dir;

  @AfterEach
  void disarm() {
    FailPoints.disarmAll();
  }

  private NodeSettings settings() {
    Map<String, String> values = Map.of(SettingsReader.DATA_DIR, dir.toString());
    return SettingsReader.read(k -> Optional.ofNullable(values.get(k)));
  }

  @Test
  void aRestartedNodeHoldsWhatItWroteWithTheSameVersions() {
    NodeEngine a = NodeEngine.standalone(settings());
    DataService d = new DataService(a, a.settings());
    Path p = Path.parse("/users/u1/name");
    Path q = Path.parse("/users/u2/name");
    Version vp = d.write(ANY, p, Value.ofJson("\"Ada\""));
    d.write(ANY, q, Value.ofJson("1"));
    Version vq = d.write(ANY, q, Value.ABSENT);
    a.stop();

    NodeEngine b = NodeEngine.standalone(settings());
    DataService e = new DataService(b, b.settings());
    assertThat(e.read(ANY, p).value()).isEqualTo(Value.ofJson("\"Ada\""));
    assertThat(e.read(ANY, p).version()).isEqualTo(vp);
    assertThat(e.read(ANY, q).exists()).isFalse();
    assertThat(e.read(ANY, q).version()).isEqualTo(vq);
    assertThat(e.write(ANY, p, Value.NULL)).isGreaterThan(vq);
    assertThat(dir.resolve(NodeStorage.WAL_DIR)).isDirectory();
    b.stop();
  }

  @Test
  void aRestWriteAnswersOnlyOnceItsCommitIsSynced() throws Exception {
    NodeEngine a = NodeEngine.standalone(settings());
    DataService d = new DataService(a, a.settings());
    CountDownLatch atSync = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    FailPoints.arm(
        FailPoints.WAL_BEFORE_SYNC,
        p -> {
          atSync.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    Path p = Path.parse("/a/b");
    CompletableFuture<Version> w =
        CompletableFuture.supplyAsync(() -> d.write(ANY, p, Value.ofJson("7")));
    assertThat(atSync.await(10, TimeUnit.SECONDS)).isTrue();
    // Applied (a reader sees it) but not yet answered: the sync has not returned.
    assertThat(d.read(ANY, p).value()).isEqualTo(Value.ofJson("7"));
    assertThat(w).isNotDone();
    FailPoints.disarmAll();
    release.countDown();
    assertThat(w.get(10, TimeUnit.SECONDS)).isEqualTo(d.read(ANY, p).version());
    a.stop();
  }

  @Test
  void aTornTailIsCutAndTheNodeStartsWithEverythingBeforeIt() throws Exception {
    NodeEngine a = NodeEngine.standalone(settings());
    DataService d = new DataService(a, a.settings());
    Path p = Path.parse("/a/b");
    d.write(ANY, p, Value.ofJson("1"));
    Version v2 = d.write(ANY, p, Value.ofJson("2"));
    a.stop();
    List<java.nio.file.Path> files;
    try (var s = Files.list(dir.resolve(NodeStorage.WAL_DIR))) {
      files = s.sorted().toList();
    }
    // Half a record at the end, as a crash in the middle of a write leaves it.
    Files.write(
        files.get(files.size() - 1), new byte[] {0, 0, 0, 40, 1, 2, 3}, StandardOpenOption.APPEND);
    NodeEngine b = NodeEngine.standalone(settings());
    DataService e = new DataService(b, b.settings());
    assertThat(e.read(ANY, p).value()).isEqualTo(Value.ofJson("2"));
    assertThat(e.read(ANY, p).version()).isEqualTo(v2);
    assertThat(b.isReady()).isTrue();
    b.stop();
  }
}
