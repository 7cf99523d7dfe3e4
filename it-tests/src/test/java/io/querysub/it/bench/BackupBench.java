package io.querysub.it.bench;

import io.querysub.core.archive.S3ArchiveStore;
import io.querysub.core.archive.S3Settings;
import io.querysub.engine.archive.ArchiveKeys;
import io.querysub.engine.archive.ArchiveLoader;
import io.querysub.engine.archive.ArchiveStore;
import io.querysub.engine.archive.ArchivedWrite;
import io.querysub.engine.archive.Archiver;
import io.querysub.engine.archive.ArchiverOptions;
import io.querysub.engine.archive.LocalDirectoryArchiveStore;
import io.querysub.engine.archive.Manifest;
import io.querysub.engine.archive.ManifestCodec;
import io.querysub.engine.archive.PartitionMerge;
import io.querysub.engine.archive.SegmentCodec;
import io.querysub.engine.archive.SegmentHeader;
import io.querysub.engine.archive.SegmentRef;
import io.querysub.engine.backup.BackupManifest;
import io.querysub.engine.backup.Backups;
import io.querysub.engine.backup.Restore;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.Value;
import io.querysub.engine.version.Version;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * Backup, restore and merge throughput (issue 7's budget) on an archive of {@code bench.paths}
 * paths (default 1,000,000) of about {@code bench.valueBytes} bytes each, to a local directory and
 * to S3Proxy (its filesystem store, on this machine's disk, through the MinIO client): the calls
 * the batch jobs make, one after the other, without the batch runtime around them. Prints per
 * location: the full backup, an incremental one after {@code bench.changed} (1%) of the paths
 * changed, a full restore into an empty archive; then the merge of every partition.
 *
 * <p>{@code mvn -q -pl it-tests -Pbench test-compile exec:exec@backupbench -Dwsbench.xmx=4g
 * -Dbackupbench.args="-Dbench.paths=1000000"}
 */
public final class BackupBench {
  private static final int PARTITIONS = 16;
  private static final String ACCESS = "bench";
  private static final String SECRET = "bench-secret-0f2c";

  private BackupBench() {}

  public static void main(String[] args) throws Exception {
    int paths = Integer.getInteger("bench.paths", 1_000_000);
    int valueBytes = Integer.getInteger("bench.valueBytes", 100);
    double changed = Double.parseDouble(System.getProperty("bench.changed", "0.01"));
    java.nio.file.Path dir =
        java.nio.file.Path.of(System.getProperty("bench.dir", "target/backupbench"));
    deleteTree(dir);
    Files.createDirectories(dir);
    long seed = Long.getLong("bench.seed", System.nanoTime());
    System.out.printf(
        "BackupBench: %,d paths of about %d bytes, %d partitions, %.1f%% changed, seed %d%n",
        paths, valueBytes, PARTITIONS, changed * 100, seed);
    ArchiverOptions options =
        new ArchiverOptions(
            PARTITIONS,
            2,
            8L << 20,
            Duration.ofDays(7),
            1_000,
            64L << 20,
            Duration.ofSeconds(5),
            Duration.ofSeconds(60),
            Duration.ofSeconds(60));
    try (LocalDirectoryArchiveStore archive =
        new LocalDirectoryArchiveStore(dir.resolve("archive"))) {
      long t0 = System.nanoTime();
      Manifest m1 = build(archive, options, paths, valueBytes, new Random(seed));
      long bytes = m1.segments().stream().mapToLong(SegmentRef::bytes).sum();
      System.out.printf(
          "  archive built: %d segments, %.1f MB in %.1f s%n",
          m1.segments().size(), bytes / 1e6, secs(t0));

      for (String kind : List.of("local", "s3")) {
        S3Proxy proxy = null;
        ArchiveStore location;
        if (kind.equals("local")) {
          location = new LocalDirectoryArchiveStore(dir.resolve("backups-local"));
        } else {
          java.nio.file.Path root = dir.resolve("s3proxy");
          Files.createDirectories(root.resolve("bench"));
          proxy =
              S3Proxy.builder()
                  .blobStore(new FilesystemNio2BlobStore(root.toString()))
                  .endpoint(URI.create("http://127.0.0.1:0"))
                  .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET)
                  .stopTimeout(0)
                  .build();
          proxy.start();
          while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
          }
          location =
              new S3ArchiveStore(
                  new S3Settings(
                      "http://127.0.0.1:" + proxy.getPort(),
                      "us-east-1",
                      "bench",
                      ACCESS,
                      SECRET,
                      "",
                      false,
                      Duration.ofSeconds(30)));
        }
        Manifest live = Manifests.latest(archive);
        t0 = System.nanoTime();
        BackupManifest full =
            Backups.backup(archive, live, location, 24, true, System.currentTimeMillis());
        double fullSecs = secs(t0);
        report(kind, "full backup", full.copiedBytes(), full.paths(), fullSecs, 60);

        Manifest m2 =
            change(archive, options, live, paths, changed, valueBytes, new Random(seed + 1));
        t0 = System.nanoTime();
        BackupManifest inc =
            Backups.backup(archive, m2, location, 24, false, System.currentTimeMillis());
        double incSecs = secs(t0);
        report(
            kind,
            "incremental (" + inc.copiedObjects() + " objects)",
            inc.copiedBytes(),
            (long) (paths * changed),
            incSecs,
            5);
        if (inc.kind() != BackupManifest.Kind.INCREMENTAL || inc.paths() != paths) {
          throw new AssertionError("unexpected incremental backup: " + inc);
        }

        // Restore the whole database as of the incremental backup into an empty archive.
        try (LocalDirectoryArchiveStore target =
            new LocalDirectoryArchiveStore(dir.resolve("restored-" + kind + "/archive"))) {
          t0 = System.nanoTime();
          Restore.Source source = Restore.Source.backup(location, inc);
          Restore.IntoArchive into = new Restore.IntoArchive(target, source);
          List<Restore.Written> written = new ArrayList<>();
          long restored = 0;
          long restoredBytes = 0;
          for (int p = 0; p < PARTITIONS; p++) {
            List<ArchivedWrite> state = Restore.state(source, p, inc.version(), null);
            restored += state.size();
            Restore.Written w = into.writePartition(p, state, 64L << 20);
            restoredBytes += w.segments().stream().mapToLong(SegmentRef::bytes).sum();
            written.add(w);
          }
          Manifest rm = into.finish(inc.version(), written);
          double restoreSecs = secs(t0);
          report(kind, "full restore", restoredBytes, restored, restoreSecs, 60);
          // The restored archive holds the backup's data: same digest.
          List<String> digests = new ArrayList<>();
          for (int p = 0; p < PARTITIONS; p++) {
            digests.add(Backups.digestArchive(target, rm, p, inc.version()).digest());
          }
          String d = io.querysub.engine.backup.StateDigest.combine(digests);
          if (!d.equals(inc.digest())) {
            throw new AssertionError("restored digest " + d + " differs from " + inc.digest());
          }
        }
        location.close();
        if (proxy != null) {
          proxy.stop();
        }
      }

      // Merge every partition (2 segments each after the change) into one.
      Manifest before = Manifests.latest(archive);
      Archiver archiver =
          new Archiver(
              archive,
              options,
              new ArchiveLoader.Loaded(before, before.segments().size(), 0, 0, Map.of(), 0),
              null,
              System::currentTimeMillis);
      t0 = System.nanoTime();
      long read = 0;
      long records = 0;
      for (int p = 0; p < PARTITIONS; p++) {
        Archiver.MergeResult r = archiver.mergePartition(p, 256L << 20);
        read += r.bytesRead();
        records += r.recordsRead();
      }
      report(
          "local",
          "merge of "
              + before.segments().size()
              + " segments into "
              + archiver.current().segments().size(),
          read,
          records,
          secs(t0),
          Double.NaN);
    }
  }

  private static final class Manifests {
    static Manifest latest(ArchiveStore a) throws java.io.IOException {
      return io.querysub.engine.archive.Manifests.latest(a).orElseThrow();
    }
  }

  private static void report(
      String location, String what, long bytes, long values, double secs, double budget) {
    System.out.printf(
        "  %-5s %-40s %7.2f s  %7.1f MB/s  %,10.0f values/s  %,d values, %.1f MB%s%n",
        location,
        what,
        secs,
        bytes / 1e6 / secs,
        values / secs,
        values,
        bytes / 1e6,
        Double.isNaN(budget)
            ? ""
            : (secs <= budget
                ? "  (budget " + (int) budget + " s: met)"
                : "  (budget " + (int) budget + " s: MISSED)"));
  }

  /** Writes {@code paths} paths as one archive round: a segment (or more) per partition. */
  private static Manifest build(
      ArchiveStore archive, ArchiverOptions options, int paths, int valueBytes, Random rnd)
      throws Exception {
    long ms = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
    List<List<ArchivedWrite>> byPartition = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      byPartition.add(new ArrayList<>());
    }
    for (int i = 0; i < paths; i++) {
      Path path = Path.parse("/users/u" + i + "/profile");
      Version v = Version.of(ms + i / 60_000, i % 60_000, 1);
      byPartition
          .get(options.partitionOf(path))
          .add(ArchivedWrite.inline(path, v, value(i, 0, valueBytes, rnd)));
    }
    return writeRound(
        archive, options, null, byPartition, Version.of(ms + paths / 60_000 + 1, 0, 0));
  }

  /** A new round in which {@code changed} of the paths got a new value. */
  private static Manifest change(
      ArchiveStore archive,
      ArchiverOptions options,
      Manifest m,
      int paths,
      double changed,
      int valueBytes,
      Random rnd)
      throws Exception {
    long ms = m.archivedUpTo().millis() + 10;
    List<List<ArchivedWrite>> byPartition = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      byPartition.add(new ArrayList<>());
    }
    int n = (int) (paths * changed);
    for (int k = 0; k < n; k++) {
      int i = rnd.nextInt(paths);
      Path path = Path.parse("/users/u" + i + "/profile");
      byPartition
          .get(options.partitionOf(path))
          .add(ArchivedWrite.inline(path, Version.of(ms, k, 1), value(i, 1, valueBytes, rnd)));
    }
    return writeRound(archive, options, m, byPartition, Version.of(ms + 1, 0, 0));
  }

  private static Manifest writeRound(
      ArchiveStore archive,
      ArchiverOptions options,
      Manifest prev,
      List<List<ArchivedWrite>> byPartition,
      Version upTo)
      throws Exception {
    List<SegmentRef> refs = new ArrayList<>(prev == null ? List.of() : prev.segments());
    long seq = prev == null ? 1 : refs.stream().mapToLong(SegmentRef::sequence).max().orElse(0) + 1;
    for (int p = 0; p < PARTITIONS; p++) {
      List<ArchivedWrite> ws = byPartition.get(p);
      ws.sort(PartitionMerge.ORDER);
      int from = 0;
      while (from < ws.size()) {
        long size = 0;
        int to = from;
        while (to < ws.size() && size < options.maxSegmentBytes()) {
          size += 64 + ws.get(to).value().size();
          to++;
        }
        List<ArchivedWrite> part = ws.subList(from, to);
        byte[] bytes = SegmentCodec.encode(new SegmentHeader(p, seq), part);
        String key = ArchiveKeys.segment(p, seq);
        archive.put(key, bytes);
        refs.add(
            new SegmentRef(
                key,
                p,
                seq,
                part.size(),
                bytes.length,
                part.get(0).version(),
                part.get(part.size() - 1).version()));
        seq++;
        from = to;
      }
    }
    Manifest m =
        new Manifest(prev == null ? 1 : prev.sequence() + 1, PARTITIONS, upTo, refs, List.of());
    archive.put(ArchiveKeys.manifest(m.sequence()), ManifestCodec.encode(m));
    return m;
  }

  private static Value value(int i, int round, int bytes, Random rnd) {
    StringBuilder pad = new StringBuilder();
    while (pad.length() < Math.max(0, bytes - 40)) {
      pad.append((char) ('a' + rnd.nextInt(26)));
    }
    return Value.ofJson("{\"i\":" + i + ",\"round\":" + round + ",\"pad\":\"" + pad + "\"}");
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static void deleteTree(java.nio.file.Path root) throws java.io.IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var s = Files.walk(root)) {
      for (java.nio.file.Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
