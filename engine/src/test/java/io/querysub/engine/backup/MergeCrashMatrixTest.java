package io.querysub.engine.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.querysub.engine.archive.ArchiveKeys;
import io.querysub.engine.archive.ArchivedWrite;
import io.querysub.engine.archive.LocalDirectoryArchiveStore;
import io.querysub.engine.archive.Manifest;
import io.querysub.engine.archive.Manifests;
import io.querysub.engine.archive.SegmentRef;
import io.querysub.engine.fail.FailPoints;
import io.querysub.engine.version.Version;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process merging an archive at each step of a merge (a crash failpoint halts the JVM, as
 * {@code kill -9} would), restarts it, and checks that exactly one of the old or new segments was
 * authoritative at every moment: the latest manifest holds every write once, with the same content
 * digest per partition, right after the crash and after the restart; and no object is left that no
 * kept manifest lists.
 */
class MergeCrashMatrixTest {
  private static final int PARTITIONS = 4;
  private static final String[] POINTS = {
    FailPoints.MERGE_AFTER_SEGMENT,
    FailPoints.MERGE_BEFORE_MANIFEST,
    FailPoints.MERGE_AFTER_MANIFEST,
    FailPoints.ARCHIVE_BEFORE_DELETE,
  };
  private static final int RUNS = 3;

  @TempDir Path dir;

  @Test
  void aMergeKilledAtAnyStepAndRestartedLosesAndDoublesNothing() throws Exception {
    long seed = System.nanoTime();
    System.out.println("MergeCrashMatrixTest seed=" + seed);
    List<String> lines = new ArrayList<>();
    int failures = 0;
    for (String point : POINTS) {
      int runs = 0;
      int digestMatch = 0;
      long missing = 0;
      long doubled = 0;
      long orphans = 0;
      int crashed = 0;
      for (int run = 1; run <= RUNS; run++) {
        Path archiveDir = dir.resolve(point + "-" + run);
        Random rnd = new Random(seed + run);
        Manifest before = seedArchive(archiveDir, rnd);
        Version v = before.archivedUpTo();
        Map<Integer, String> digests;
        Set<String> writes;
        try (LocalDirectoryArchiveStore s = new LocalDirectoryArchiveStore(archiveDir)) {
          digests = digests(s, before, v);
          writes = writeIds(s, before).keySet();
        }
        // The run-th hit: a different partition's merge, or a later delete.
        int status = child(archiveDir, point + "=crash@" + run);
        if (status == FailPoints.CRASH_STATUS) {
          crashed++;
        }
        Check afterCrash = check(archiveDir, v, digests, writes);
        assertThat(child(archiveDir, null)).as("the restart").isZero();
        Check afterRestart = check(archiveDir, v, digests, writes);
        runs++;
        if (afterCrash.digestsMatch && afterRestart.digestsMatch) {
          digestMatch++;
        }
        missing += afterCrash.missing + afterRestart.missing;
        doubled += afterCrash.doubled + afterRestart.doubled;
        orphans += afterRestart.orphans;
        assertThat(afterRestart.segments)
            .as("merged after the restart")
            .isLessThanOrEqualTo(PARTITIONS);
      }
      String line =
          String.format(
              "merge kill matrix: failpoint=%s runs=%d crashed=%d digest_match=%d missing_keys=%d"
                  + " doubled_keys=%d orphans_after_restart=%d",
              point, runs, crashed, digestMatch, missing, doubled, orphans);
      System.out.println(line);
      lines.add(line);
      if (crashed != runs || digestMatch != runs || missing != 0 || doubled != 0 || orphans != 0) {
        failures++;
      }
    }
    assertThat(failures).as(String.join("\n", lines)).isZero();
  }

  /** An archive of many small segments: 10 rounds of writes, deletes and rewrites. */
  private static Manifest seedArchive(Path archiveDir, Random rnd) throws IOException {
    try (LocalDirectoryArchiveStore s = new LocalDirectoryArchiveStore(archiveDir)) {
      ArchiveFixture node = new ArchiveFixture(s, PARTITIONS, 4096);
      for (int round = 0; round < 10; round++) {
        for (int i = 0; i < 40; i++) {
          String p = "/u/u" + rnd.nextInt(30) + "/k" + rnd.nextInt(4);
          if (rnd.nextInt(8) == 0) {
            node.delete(p);
          } else if (rnd.nextInt(50) == 0) {
            node.put(p, "\"" + "L".repeat(5000) + "\""); // a large value
          } else {
            node.put(p, "{\"round\":" + round + ",\"i\":" + i + "}");
          }
        }
        node.archive();
      }
      node.archiver.close();
      return node.archiver.current();
    }
  }

  private record Check(
      boolean digestsMatch, long missing, long doubled, long orphans, int segments) {}

  private static Check check(
      Path archiveDir, Version v, Map<Integer, String> digests, Set<String> writes)
      throws IOException {
    try (LocalDirectoryArchiveStore s = new LocalDirectoryArchiveStore(archiveDir)) {
      Manifest m = Manifests.latest(s).orElseThrow();
      boolean match = digests(s, m, v).equals(digests);
      Map<String, Integer> now = writeIds(s, m);
      long missing = writes.stream().filter(w -> !now.containsKey(w)).count();
      long doubled = now.values().stream().filter(n -> n > 1).count();
      Set<String> listed = new HashSet<>();
      for (Manifest k : Manifests.kept(s, 2)) {
        k.segments().forEach(r -> listed.add(r.key()));
        listed.addAll(k.largeValues());
      }
      long orphans = 0;
      for (String prefix : List.of("segments/", "values/")) {
        orphans += s.list(prefix).stream().filter(k -> !listed.contains(k)).count();
      }
      return new Check(match, missing, doubled, orphans, m.segments().size());
    }
  }

  private static Map<Integer, String> digests(LocalDirectoryArchiveStore s, Manifest m, Version v)
      throws IOException {
    Map<Integer, String> out = new HashMap<>();
    for (int p = 0; p < m.partitions(); p++) {
      out.put(p, Backups.digestArchive(s, m, p, v).digest());
    }
    return out;
  }

  /** Every (path, version) the manifest's segments hold, with how many times. */
  private static Map<String, Integer> writeIds(LocalDirectoryArchiveStore s, Manifest m)
      throws IOException {
    Map<String, Integer> out = new HashMap<>();
    for (SegmentRef r : m.segments()) {
      for (ArchivedWrite w : Segments.read(s, new SourceSegment(r.key(), r))) {
        out.merge(w.path() + "@" + w.version(), 1, Integer::sum);
      }
    }
    return out;
  }

  /** Runs {@link MergeCrashChild} on the archive; returns its exit status. */
  private static int child(Path archiveDir, String failpoints) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Xshare:auto");
    if (failpoints != null) {
      cmd.add("-Dquerysub.failpoints=" + failpoints);
    }
    cmd.add("-cp");
    cmd.add("target/classes" + java.io.File.pathSeparator + "target/test-classes");
    cmd.add(MergeCrashChild.class.getName());
    cmd.add(archiveDir.toString());
    cmd.add(Integer.toString(PARTITIONS));
    cmd.add(Integer.toString(1 << 20));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the merge process did not end");
    }
    int status = p.exitValue();
    if (status != 0 && status != FailPoints.CRASH_STATUS) {
      throw new AssertionError(
          "the merge process failed (" + status + "): " + new String(out, StandardCharsets.UTF_8));
    }
    return status;
  }

  static {
    // Keys the checks rely on.
    ArchiveKeys.check("segments/p0000/00000000000000000001.seg");
  }
}
