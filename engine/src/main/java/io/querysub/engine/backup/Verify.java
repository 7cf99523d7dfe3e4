package io.querysub.engine.backup;

import io.querysub.engine.archive.ArchiveStore;
import io.querysub.engine.archive.Manifest;
import io.querysub.engine.version.Version;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a backup against the live data: per partition, the digest of the backup's data read back
 * from its location (every object checked: present, its size, no damage, its record count), the
 * digest the backup recorded when it was published, and the digest of the live archive as of the
 * backup's version. The backup matches when all three agree in every partition.
 */
public final class Verify {
  private Verify() {}

  /**
   * One partition's check.
   *
   * @param problem what could not be read (a missing or damaged object), or null
   */
  public record PartitionCheck(
      int partition,
      String backupDigest,
      String recordedDigest,
      String liveDigest,
      long paths,
      String problem)
      implements Serializable {
    public boolean match() {
      return problem == null
          && backupDigest.equals(recordedDigest)
          && backupDigest.equals(liveDigest);
    }
  }

  /** Checks partition {@code p} of backup {@code b} against the live archive {@code live}. */
  public static PartitionCheck partition(
      ArchiveStore location, BackupManifest b, ArchiveStore archive, Manifest live, int p)
      throws IOException {
    String recorded = p < b.partitionDigests().size() ? b.partitionDigests().get(p) : "";
    String mine;
    long paths;
    try {
      Backups.PartitionDigest d = Backups.digestPartition(location, b, p);
      mine = d.digest();
      paths = d.paths();
    } catch (BackupException e) {
      return new PartitionCheck(p, "", recorded, "", 0, "backup: " + e.getMessage());
    }
    if (live.archivedUpTo().compareTo(b.version()) < 0) {
      return new PartitionCheck(
          p,
          mine,
          recorded,
          "",
          paths,
          "the live archive reaches " + live.archivedUpTo() + ", not " + b.version());
    }
    try {
      String liveDigest = Backups.digestArchive(archive, live, p, b.version()).digest();
      return new PartitionCheck(p, mine, recorded, liveDigest, paths, null);
    } catch (BackupException e) {
      return new PartitionCheck(p, mine, recorded, "", paths, "live archive: " + e.getMessage());
    }
  }

  /** The outcome of checking every partition. */
  public record Report(
      long backupId,
      Version version,
      String backupDigest,
      String recordedDigest,
      String liveDigest,
      long paths,
      List<Integer> differing,
      List<String> problems) {
    public boolean match() {
      return differing.isEmpty() && problems.isEmpty();
    }
  }

  public static Report report(BackupManifest b, List<PartitionCheck> checks) {
    List<Integer> differing = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<String> mine = new ArrayList<>();
    List<String> live = new ArrayList<>();
    long paths = 0;
    for (PartitionCheck c : checks) {
      if (!c.match()) {
        differing.add(c.partition());
      }
      if (c.problem() != null) {
        problems.add("partition " + c.partition() + ": " + c.problem());
      }
      mine.add(c.backupDigest().isEmpty() ? "00" : c.backupDigest());
      live.add(c.liveDigest().isEmpty() ? "00" : c.liveDigest());
      paths += c.paths();
    }
    return new Report(
        b.id(),
        b.version(),
        StateDigest.combine(mine),
        b.digest(),
        StateDigest.combine(live),
        paths,
        differing,
        problems);
  }
}
