package io.querysub.engine.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.querysub.engine.archive.ArchiveLoader;
import io.querysub.engine.archive.ArchiveStore;
import io.querysub.engine.archive.ArchivedWrite;
import io.querysub.engine.archive.LocalDirectoryArchiveStore;
import io.querysub.engine.archive.Manifest;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.ReadResult;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.StoreOptions;
import io.querysub.engine.store.Subtree;
import io.querysub.engine.store.Value;
import io.querysub.engine.version.HybridClock;
import io.querysub.engine.version.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupTest {
  private static final int PARTITIONS = 4;

  @TempDir java.nio.file.Path dir;

  private LocalDirectoryArchiveStore archiveStore;
  private LocalDirectoryArchiveStore location;
  private ArchiveFixture node;

  @BeforeEach
  void open() throws IOException {
    archiveStore = new LocalDirectoryArchiveStore(dir.resolve("archive"));
    location = new LocalDirectoryArchiveStore(dir.resolve("backups"));
    node = new ArchiveFixture(archiveStore, PARTITIONS, 4096);
  }

  @AfterEach
  void close() {
    node.archiver.close();
    archiveStore.close();
    location.close();
  }

  static BackupManifest backup(
      ArchiveStore archive, Manifest m, ArchiveStore location, int fullEvery, boolean full)
      throws IOException {
    return Backups.backup(archive, m, location, fullEvery, full, System.currentTimeMillis());
  }

  private BackupManifest backup(int fullEvery) throws IOException {
    node.archive();
    return backup(archiveStore, node.archiver.current(), location, fullEvery, false);
  }

  private static String value(int i, int round) {
    return "{\"i\":" + i + ",\"round\":" + round + "}";
  }

  @Test
  void aFullBackupThenIncrementalOnesCopyOnlyWhatIsNewAndMatchTheLiveData() throws IOException {
    for (int i = 0; i < 200; i++) {
      node.put("/users/u" + i + "/profile", value(i, 0));
    }
    node.put("/files/big/blob", "\"" + "x".repeat(10_000) + "\""); // a large value
    BackupManifest first = backup(3);
    assertThat(first.kind()).isEqualTo(BackupManifest.Kind.FULL);
    assertThat(first.copiedObjects()).isEqualTo(first.segments().size() + first.large().size());
    assertThat(first.large()).hasSize(1);
    assertThat(first.paths()).isEqualTo(201);

    // 1% of the paths change: the incremental backup copies the new round's segments only.
    node.put("/users/u3/profile", value(3, 1));
    node.put("/users/u150/profile", value(150, 1));
    int before = node.archiver.current().segments().size();
    BackupManifest second = backup(3);
    int fresh = node.archiver.current().segments().size() - before;
    assertThat(second.kind()).isEqualTo(BackupManifest.Kind.INCREMENTAL);
    assertThat(second.base()).isEqualTo(first.id());
    assertThat(second.chain()).isEqualTo(first.id());
    assertThat(second.copiedObjects()).isEqualTo(fresh).isLessThan(first.copiedObjects());
    assertThat(second.digest()).isNotEqualTo(first.digest());

    node.delete("/users/u4/profile");
    BackupManifest third = backup(3);
    assertThat(third.kind()).isEqualTo(BackupManifest.Kind.INCREMENTAL);
    assertThat(third.paths()).isEqualTo(200);
    // The chain holds 3 backups: the next one is full again, in a chain of its own.
    node.put("/users/u5/profile", value(5, 2));
    BackupManifest fourth = backup(3);
    assertThat(fourth.kind()).isEqualTo(BackupManifest.Kind.FULL);
    assertThat(fourth.chain()).isEqualTo(fourth.id());
    assertThat(fourth.copiedObjects()).isEqualTo(fourth.segments().size() + fourth.large().size());

    assertThat(Backups.list(location))
        .extracting(BackupManifest::id)
        .containsExactly(1L, 2L, 3L, 4L);
    for (BackupManifest b : Backups.list(location)) {
      Verify.Report r = verify(b);
      assertThat(r.match()).as("backup %d: %s", b.id(), r).isTrue();
      assertThat(r.backupDigest()).isEqualTo(b.digest()).isEqualTo(r.liveDigest());
    }
  }

  private Verify.Report verify(BackupManifest b) throws IOException {
    Manifest live = node.archiver.current();
    List<Verify.PartitionCheck> checks = new ArrayList<>();
    for (int p = 0; p < b.partitions(); p++) {
      checks.add(Verify.partition(location, b, archiveStore, live, p));
    }
    return Verify.report(b, checks);
  }

  @Test
  void pointInTimeRestoresMatchTheHistoryAtEveryVersion() throws IOException {
    long seed = System.nanoTime();
    System.out.println("BackupTest point-in-time seed=" + seed);
    Random rnd = new Random(seed);
    List<Version> versions = new ArrayList<>();
    List<Map<String, String>> states = new ArrayList<>();
    Map<String, String> model = new TreeMap<>();
    for (int round = 0; round < 6; round++) {
      Version last = Version.ZERO;
      for (int k = 0; k < 40; k++) {
        String p = "/rooms/r" + rnd.nextInt(5) + "/m" + rnd.nextInt(15);
        if (!model.isEmpty() && rnd.nextInt(6) == 0) {
          last = node.delete(p);
          model.remove(p);
        } else {
          String v = value(k, round);
          last = node.put(p, v);
          model.put(p, v);
        }
      }
      node.archive(); // each round its own segments: history spread over many
      versions.add(last);
      states.add(new TreeMap<>(model));
    }
    BackupManifest b = backup(archiveStore, node.archiver.current(), location, 10, false);
    Restore.Source source = Restore.Source.backup(location, b);
    for (int i = 0; i < versions.size(); i++) {
      Version t = versions.get(i);
      LocalDirectoryArchiveStore target =
          new LocalDirectoryArchiveStore(dir.resolve("restore-" + i));
      Restore.IntoArchive into = new Restore.IntoArchive(target, source);
      List<Restore.Written> written = new ArrayList<>();
      for (int p = 0; p < source.partitions(); p++) {
        written.add(into.writePartition(p, Restore.state(source, p, t, null), 1 << 20));
      }
      into.finish(t, written);
      // A node started on the restored archive holds exactly the state as of t.
      Store restored = new Store(StoreOptions.DEFAULTS, new HybridClock(2));
      ArchiveLoader.load(target, restored);
      Map<String, String> got = new TreeMap<>();
      for (Subtree.Entry e : restored.subtree(Path.ROOT, 10_000).entries()) {
        got.put(e.path().toString(), e.value().json());
      }
      assertThat(got).as("state as of round %d (%s)", i, t).isEqualTo(states.get(i));
      target.close();
    }
    // Past what the backup holds: refused, named.
    Version later = Version.of(b.version().millis() + 1000, 0, 1);
    assertThatThrownBy(() -> Restore.state(source, 0, later, null))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("holds data up to");
    // Into an archive that is not empty: refused.
    assertThatThrownBy(() -> new Restore.IntoArchive(archiveStore, source))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("not empty");
  }

  @Test
  void aSubtreeIsRestoredInPlaceAsNewWritesAndTheRestIsLeftAlone() throws IOException {
    for (int i = 0; i < 20; i++) {
      node.put("/rooms/a/m" + i, value(i, 0));
      node.put("/rooms/b/m" + i, value(i, 0));
    }
    BackupManifest b = backup(10);
    // After the backup: a is damaged by edits, additions and deletes; b moves on.
    node.put("/rooms/a/m1", value(1, 9));
    node.delete("/rooms/a/m2");
    node.put("/rooms/a/extra", "true");
    node.put("/rooms/b/m1", value(1, 9));
    Version beforeRestore = node.store.clock().now();

    Restore.Source source = Restore.Source.backup(location, b);
    Path root = Path.parse("/rooms/a");
    List<ArchivedWrite> state = new ArrayList<>();
    for (int p = 0; p < source.partitions(); p++) {
      state.addAll(Restore.state(source, p, b.version(), root));
    }
    Restore.Applied applied =
        Restore.applyToStore(node.store, root, state, source.large(), 7, 10_000, x -> true);
    assertThat(applied.written()).isEqualTo(2); // m1 back to its old value, m2 back
    assertThat(applied.deleted()).isEqualTo(1); // extra
    assertThat(applied.unchanged()).isEqualTo(18);
    assertThat(applied.commits()).isEqualTo(1);
    for (int i = 0; i < 20; i++) {
      ReadResult r = node.store.read(Path.parse("/rooms/a/m" + i));
      assertThat(r.value()).isEqualTo(Value.ofJson(value(i, 0)));
    }
    assertThat(node.store.read(Path.parse("/rooms/a/extra")).exists()).isFalse();
    // New writes, newer than anything before: watchers see them as changes.
    assertThat(node.store.read(Path.parse("/rooms/a/m1")).version()).isGreaterThan(beforeRestore);
    // The other room keeps what happened after the backup.
    assertThat(node.store.read(Path.parse("/rooms/b/m1")).value())
        .isEqualTo(Value.ofJson(value(1, 9)));
  }

  @Test
  void verifyFindsADamagedOrMissingBackupObject() throws IOException {
    for (int i = 0; i < 100; i++) {
      node.put("/users/u" + i + "/p", value(i, 0));
    }
    BackupManifest b = backup(10);
    assertThat(verify(b).match()).isTrue();

    BackupManifest.Segment victim = b.segments().get(0);
    java.nio.file.Path file = dir.resolve("backups").resolve(victim.backupKey());
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x5A;
    Files.write(file, bytes);
    Verify.Report damaged = verify(b);
    assertThat(damaged.match()).isFalse();
    assertThat(damaged.differing()).containsExactly(victim.ref().partition());
    assertThat(damaged.problems())
        .singleElement()
        .asString()
        .contains(victim.backupKey(), "damaged");

    Files.delete(file);
    Verify.Report missing = verify(b);
    assertThat(missing.match()).isFalse();
    assertThat(missing.problems()).singleElement().asString().contains("missing");
  }

  @Test
  void aBackupInterruptedMidwayIsFinishedFromItsPlanWithoutCopyingAgain() throws IOException {
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < 30; i++) {
        node.put("/users/u" + i + "/p", value(i, round));
      }
      node.archive();
    }
    Manifest m = node.archiver.current();
    BackupManifest plan = Backups.plan(archiveStore, m, location, 0, 10, false, 1L);
    List<Backups.CopyItem> items = Backups.toCopy(location, plan);
    assertThat(items).hasSizeGreaterThan(4);
    for (int i = 0; i < items.size() / 2; i++) {
      Backups.copy(archiveStore, location, items.get(i));
    }
    // Not published: the location lists no backup, only the plan.
    assertThat(Backups.list(location)).isEmpty();
    BackupManifest again = Backups.plan(location, plan.id()).orElseThrow();
    assertThat(again).isEqualTo(plan);
    long copiedAgain = 0;
    for (Backups.CopyItem item : Backups.toCopy(location, again)) {
      if (Backups.copy(archiveStore, location, item) > 0) {
        copiedAgain++;
      }
    }
    assertThat(copiedAgain).isEqualTo(items.size() - items.size() / 2);
    assertThatThrownBy(() -> Backups.get(location, plan.id()))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("does not exist");
    // A job that died with its node left the plan: the next backup finishes it under its id.
    BackupManifest next = backup(archiveStore, m, location, 10, false);
    assertThat(next.id()).isEqualTo(plan.id());
    assertThat(next.copiedObjects()).isEqualTo(items.size());
    assertThat(Backups.plan(location, plan.id())).isEmpty();
    assertThat(backup(archiveStore, m, location, 10, false).id()).isEqualTo(plan.id() + 1);
  }

  @Test
  void theManifestCodecRefusesDamage() throws IOException {
    node.put("/a/b/c", "1");
    BackupManifest b = backup(10);
    byte[] bytes = BackupManifestCodec.encode(b);
    assertThat(BackupManifestCodec.decode(bytes)).isEqualTo(b);
    byte[] bad = bytes.clone();
    bad[40] ^= 1;
    assertThatThrownBy(() -> BackupManifestCodec.decode(bad)).hasMessageContaining("checksum");
    byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 10);
    assertThatThrownBy(() -> BackupManifestCodec.decode(cut)).isInstanceOf(IOException.class);
    byte[] other = "querysub-backup 2\nid=1\n".getBytes();
    assertThatThrownBy(() -> BackupManifestCodec.decode(other))
        .hasMessageContaining("unknown format");
  }

  @Test
  void mergingAPartitionKeepsItsDataAndAPinKeepsTheOldSegments() throws IOException {
    Map<String, String> model = new HashMap<>();
    for (int round = 0; round < 12; round++) {
      for (int i = 0; i < 25; i++) {
        String p = "/users/u" + i + "/p";
        model.put(p, value(i, round));
        node.put(p, value(i, round));
      }
      node.archive();
    }
    Manifest before = node.archiver.current();
    Version v = before.archivedUpTo();
    List<String> digests = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      digests.add(Backups.digestArchive(archiveStore, before, p, v).digest());
    }
    var pin = node.archiver.pin();
    for (int p = 0; p < PARTITIONS; p++) {
      var r = node.archiver.mergePartition(p, 1 << 20);
      assertThat(r.segmentsAfter()).isLessThanOrEqualTo(1);
    }
    Manifest after = node.archiver.current();
    assertThat(after.segments().size())
        .isLessThan(before.segments().size())
        .isLessThanOrEqualTo(PARTITIONS);
    for (int p = 0; p < PARTITIONS; p++) {
      assertThat(Backups.digestArchive(archiveStore, after, p, v).digest())
          .isEqualTo(digests.get(p));
    }
    // Pinned: every old segment is still there; a round after the pin is released deletes them.
    for (var r : before.segments()) {
      assertThat(archiveStore.size(r.key())).isEqualTo(r.bytes());
    }
    pin.close();
    node.put("/users/u1/p", value(1, 99));
    node.archive();
    node.put("/users/u1/p", value(1, 100));
    node.archive();
    long gone = before.segments().stream().filter(r -> sizeOf(r.key()) < 0).count();
    assertThat(gone).isEqualTo(before.segments().size());
  }

  private long sizeOf(String key) {
    try {
      return archiveStore.size(key);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
