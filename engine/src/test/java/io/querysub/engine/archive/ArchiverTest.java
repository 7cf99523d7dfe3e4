package io.querysub.engine.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.querysub.engine.fail.FailPointException;
import io.querysub.engine.fail.FailPoints;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.ReadResult;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.StoreOptions;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import io.querysub.engine.version.HybridClock;
import io.querysub.engine.version.Version;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiverTest {
  @TempDir java.nio.file.Path dir;

  private LocalDirectoryArchiveStore archive;
  private final AtomicLong now = new AtomicLong(System.currentTimeMillis());

  @BeforeEach
  void open() {
    archive = new LocalDirectoryArchiveStore(dir.resolve("archive"));
  }

  @AfterEach
  void disarm() {
    FailPoints.disarmAll();
    archive.close();
  }

  private ArchiverOptions options(int maxSegments, long largeBytes, Duration retention) {
    return new ArchiverOptions(
        4,
        2,
        largeBytes,
        retention,
        maxSegments,
        64L << 20,
        Duration.ofSeconds(1),
        Duration.ofSeconds(4),
        Duration.ZERO);
  }

  /** A store and an archiver recovered from the archive, as a node starts. */
  private record Node(Store store, Archiver archiver, ArchiveLoader.Loaded loaded) {}

  private Node start(ArchiverOptions o) throws IOException {
    Store store = new Store(StoreOptions.DEFAULTS, new HybridClock(1));
    ArchiveLoader.Loaded loaded = ArchiveLoader.load(archive, store);
    store.advanceGolden(loaded.archivedUpTo());
    Archiver a = new Archiver(archive, o, loaded, null, now::get);
    store.setGoldenSink(a);
    return new Node(store, a, loaded);
  }

  private static Version put(Store s, String path, String json) {
    return s.commit(List.of(), List.of(new Write(Path.parse(path), Value.ofJson(json)))).version();
  }

  private static void goldenNow(Store s) {
    s.advanceGolden(s.clock().now());
  }

  @Test
  void aRestartedStoreHoldsEveryArchivedValueAtItsVersion() throws IOException {
    Node a = start(options(32, 1 << 20, Duration.ofDays(1)));
    Map<String, Version> versions = new HashMap<>();
    for (int i = 0; i < 200; i++) {
      versions.put("/u/u" + i + "/n", put(a.store(), "/u/u" + i + "/n", "{\"i\":" + i + "}"));
    }
    Version deleted =
        a.store().commit(List.of(), List.of(Write.delete(Path.parse("/u/u7/n")))).version();
    goldenNow(a.store());
    assertThat(a.archiver().archiveNow()).isEqualTo(201);
    assertThat(a.archiver().status().archivedUpTo()).isGreaterThanOrEqualTo(deleted);
    assertThat(a.archiver().status().manifestSequence()).isEqualTo(1);

    Node b = start(options(32, 1 << 20, Duration.ofDays(1)));
    // u7's value is superseded by its delete, and the store keeps no history: it is not loaded.
    assertThat(b.loaded().writes()).isEqualTo(200);
    for (int i = 0; i < 200; i++) {
      ReadResult r = b.store().read(Path.parse("/u/u" + i + "/n"));
      if (i == 7) {
        // A golden delete leaves nothing behind in the store; the archive keeps it (retention).
        assertThat(r.exists()).isFalse();
      } else {
        assertThat(r.value()).isEqualTo(Value.ofJson("{\"i\":" + i + "}"));
        assertThat(r.version()).isEqualTo(versions.get("/u/u" + i + "/n"));
      }
    }
    // Nothing it loaded waits to be archived again.
    goldenNow(b.store());
    assertThat(b.archiver().archiveNow()).isZero();
  }

  @Test
  void onlyGoldenWritesAreArchived() throws IOException {
    Node a = start(options(32, 1 << 20, Duration.ofDays(1)));
    put(a.store(), "/a/b/c", "1");
    assertThat(a.archiver().archiveNow()).isZero();
    assertThat(a.archiver().status().manifestSequence()).isZero();
    goldenNow(a.store());
    assertThat(a.archiver().archiveNow()).isEqualTo(1);
  }

  @Test
  void manySmallRoundsAreMergedAndTheNewestValueOfEachPathSurvives() throws IOException {
    long seed = System.nanoTime();
    System.out.println("ArchiverTest merge seed=" + seed);
    Random rnd = new Random(seed);
    // Merges run a day later than the writes: with no retention, superseded versions go.
    now.addAndGet(Duration.ofDays(1).toMillis());
    Node a = start(options(3, 1 << 20, Duration.ZERO));
    Map<String, String> expected = new HashMap<>();
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < 30; i++) {
        String p = "/k/" + rnd.nextInt(8) + "/x" + rnd.nextInt(20);
        if (rnd.nextInt(5) == 0) {
          a.store().commit(List.of(), List.of(Write.delete(Path.parse(p))));
          expected.remove(p);
        } else {
          String v = Integer.toString(rnd.nextInt(1000));
          put(a.store(), p, v);
          expected.put(p, v);
        }
      }
      goldenNow(a.store());
      a.archiver().archiveNow();
      // With no retention, merged partitions hold one segment each, so never more than the limit.
      assertThat(a.archiver().status().segments()).isLessThanOrEqualTo(4 * 3 + 4);
    }
    now.addAndGet(10);
    Node b = start(options(3, 1 << 20, Duration.ZERO));
    for (int k = 0; k < 8; k++) {
      for (int x = 0; x < 20; x++) {
        String p = "/k/" + k + "/x" + x;
        ReadResult r = b.store().read(Path.parse(p));
        if (expected.containsKey(p)) {
          assertThat(r.value()).as(p).isEqualTo(Value.ofJson(expected.get(p)));
        } else {
          assertThat(r.exists()).as(p).isFalse();
        }
      }
    }
    // Superseded versions and old deletes were merged away: fewer writes than were made.
    assertThat(b.loaded().writes()).isLessThan(600);
    // Only the two newest manifests are kept.
    assertThat(archive.list(ArchiveKeys.MANIFESTS)).hasSize(2);
  }

  @Test
  void aMergeKeepsSupersededVersionsWithinTheRetention() throws IOException {
    Node a = start(options(2, 1 << 20, Duration.ofHours(1)));
    for (int i = 0; i < 5; i++) {
      put(a.store(), "/h/p/v", Integer.toString(i));
      goldenNow(a.store());
      a.archiver().archiveNow();
    }
    List<ArchivedWrite> all = readAll();
    assertThat(all.stream().filter(w -> w.path().equals(Path.parse("/h/p/v")))).hasSize(5);

    // Two hours later every superseded version is past the retention.
    now.addAndGet(Duration.ofHours(2).toMillis());
    for (int i = 0; i < 3; i++) {
      put(a.store(), "/h/p/w", Integer.toString(i));
      goldenNow(a.store());
      a.archiver().archiveNow();
    }
    assertThat(readAll().stream().filter(w -> w.path().equals(Path.parse("/h/p/v"))))
        .extracting(ArchivedWrite::value)
        .containsExactly(Value.ofJson("4"));
  }

  private List<ArchivedWrite> readAll() throws IOException {
    Manifest m = Manifests.latest(archive).orElseThrow();
    List<ArchivedWrite> out = new java.util.ArrayList<>();
    for (SegmentRef r : m.segments()) {
      out.addAll(SegmentCodec.scan(archive.get(r.key())).writes());
    }
    return out;
  }

  @Test
  void aLargeValueGoesToAnObjectOfItsOwnAndLoadsWhenFirstRead() throws IOException {
    Node a = start(options(32, 100, Duration.ofDays(1)));
    String big = "\"" + "x".repeat(500) + "\"";
    put(a.store(), "/big/one/v", big);
    put(a.store(), "/big/two/v", "\"small\"");
    goldenNow(a.store());
    a.archiver().archiveNow();
    assertThat(archive.list("values/")).hasSize(1);

    Node b = start(options(32, 100, Duration.ofDays(1)));
    Value v = b.store().read(Path.parse("/big/one/v")).value();
    assertThat(v.isLoaded()).isFalse();
    assertThat(v.size()).isEqualTo(big.length());
    assertThat(v.json()).isEqualTo(big);
    assertThat(v.isLoaded()).isTrue();
    assertThat(b.store().read(Path.parse("/big/two/v")).value().json()).isEqualTo("\"small\"");
  }

  @Test
  void aFailedUploadChangesNothingThatCountsAndTheNextRoundCatchesUp() throws IOException {
    Node a = start(options(32, 1 << 20, Duration.ofDays(1)));
    put(a.store(), "/f/a/1", "1");
    goldenNow(a.store());
    a.archiver().archiveNow();

    put(a.store(), "/f/a/2", "2");
    put(a.store(), "/f/b/3", "3");
    goldenNow(a.store());
    FailPoints.arm(FailPoints.ARCHIVE_BEFORE_UPLOAD, FailPoints.fail());
    assertThatThrownBy(() -> a.archiver().archiveNow()).isInstanceOf(FailPointException.class);
    ArchiveStatus s = a.archiver().status();
    assertThat(s.degraded()).isTrue();
    assertThat(s.lastError()).contains("archive.beforeUpload");
    assertThat(s.pendingWrites()).isEqualTo(2);
    assertThat(s.manifestSequence()).isEqualTo(1);
    assertThat(s.nextAttemptMillis()).isEqualTo(2000);
    FailPoints.disarmAll();

    // The manifest fails: the uploaded segments are garbage, listed by nothing.
    FailPoints.arm(FailPoints.ARCHIVE_BEFORE_MANIFEST, FailPoints.fail());
    assertThatThrownBy(() -> a.archiver().archiveNow()).isInstanceOf(FailPointException.class);
    assertThat(a.archiver().status().nextAttemptMillis()).isEqualTo(4000);
    FailPoints.disarmAll();
    Node fresh = start(options(32, 1 << 20, Duration.ofDays(1)));
    assertThat(fresh.store().read(Path.parse("/f/a/2")).exists()).isFalse();
    assertThat(fresh.archiver().deleteUnlisted()).isPositive();

    assertThat(a.archiver().archiveNow()).isEqualTo(2);
    assertThat(a.archiver().status().degraded()).isFalse();
    assertThat(a.archiver().status().pendingWrites()).isZero();
    Node b = start(options(32, 1 << 20, Duration.ofDays(1)));
    assertThat(b.store().read(Path.parse("/f/a/1")).value().json()).isEqualTo("1");
    assertThat(b.store().read(Path.parse("/f/a/2")).value().json()).isEqualTo("2");
    assertThat(b.store().read(Path.parse("/f/b/3")).value().json()).isEqualTo("3");
  }

  @Test
  void aDamagedSegmentLosesOnlyItsDamagedRecords() throws IOException {
    Node a = start(options(32, 1 << 20, Duration.ofDays(1)));
    for (int i = 0; i < 50; i++) {
      put(a.store(), "/d/same/k" + i, Integer.toString(i));
    }
    goldenNow(a.store());
    a.archiver().archiveNow();
    Manifest m = Manifests.latest(archive).orElseThrow();
    assertThat(m.segments()).hasSize(1);
    String key = m.segments().get(0).key();
    byte[] b = archive.get(key);
    b[b.length / 2] ^= 0x5a;
    archive.delete(key);
    archive.put(key, b);

    Node c = start(options(32, 1 << 20, Duration.ofDays(1)));
    assertThat(c.loaded().damaged()).isEqualTo(1);
    assertThat(c.loaded().writes()).isBetween(45L, 49L);
  }

  @Test
  void aSegmentCutAtARecordBoundaryIsReportedByItsManifestEntry() throws IOException {
    Node a = start(options(32, 1 << 20, Duration.ofDays(1)));
    put(a.store(), "/t/same/a", "1");
    put(a.store(), "/t/same/b", "2");
    goldenNow(a.store());
    a.archiver().archiveNow();
    SegmentRef ref = Manifests.latest(archive).orElseThrow().segments().get(0);
    byte[] whole = archive.get(ref.key());
    List<ArchivedWrite> one = SegmentCodec.scan(whole).writes().subList(0, 1);
    byte[] cut = SegmentCodec.encode(SegmentCodec.scan(whole).header(), one);
    archive.delete(ref.key());
    archive.put(ref.key(), cut);

    Node b = start(options(32, 1 << 20, Duration.ofDays(1)));
    assertThat(b.loaded().writes()).isEqualTo(1);
    assertThat(b.loaded().damaged()).isEqualTo(1);
  }
}
