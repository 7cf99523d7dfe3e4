package io.querysub.engine.backup;

import io.querysub.engine.archive.SegmentRef;
import io.querysub.engine.version.Version;
import java.util.List;
import java.util.Objects;

/**
 * One backup: a consistent snapshot of the archive as of {@code version} (every golden write at or
 * below it, with the history the archive kept), kept as copies of the archive's segments and large
 * values in a backup location. A backup lists every object of its snapshot; an incremental one
 * copied only those its predecessor did not hold and refers to the rest where its chain keeps them.
 * Written last, once every object it lists is stored: a backup without its manifest does not exist.
 *
 * @param id rises by one with each backup of a location
 * @param kind full (copied everything) or incremental
 * @param chain the id of the full backup this one builds on (its own id for a full one): the
 *     objects live under the chain's folder
 * @param base the backup this one copied the difference to (0 for a full one)
 * @param version every golden write at or below it is in the backup
 * @param createdAtMillis when the backup was planned
 * @param archiveManifest the sequence of the archive manifest copied
 * @param partitions the archive's partition count
 * @param paths the paths holding a value as of {@code version}
 * @param bytes the size of every object listed
 * @param copiedObjects objects copied by this backup (the rest came from its chain)
 * @param copiedBytes their size
 * @param digest the {@link StateDigest} of the backup's data as of {@code version}; empty in a plan
 *     not yet published
 * @param partitionDigests per partition, in order (empty in a plan)
 * @param partitionPaths per partition, the paths holding a value (empty in a plan)
 * @param segments the segments, with where the backup keeps each
 * @param large the large values, with where the backup keeps each
 */
public record BackupManifest(
    long id,
    Kind kind,
    long chain,
    long base,
    Version version,
    long createdAtMillis,
    long archiveManifest,
    int partitions,
    long paths,
    long bytes,
    long copiedObjects,
    long copiedBytes,
    String digest,
    List<String> partitionDigests,
    List<Long> partitionPaths,
    List<Segment> segments,
    List<Large> large) {

  public enum Kind {
    FULL,
    INCREMENTAL
  }

  /** A segment of the snapshot, kept under {@code backupKey}. */
  public record Segment(String backupKey, SegmentRef ref) {
    public SourceSegment source() {
      return new SourceSegment(backupKey, ref);
    }
  }

  /**
   * A large value of the snapshot (archive key {@code archiveKey}), kept under {@code backupKey}.
   */
  public record Large(String backupKey, String archiveKey, long size) {}

  public BackupManifest {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(digest, "digest");
    partitionDigests = List.copyOf(partitionDigests);
    partitionPaths = List.copyOf(partitionPaths);
    if (partitionPaths.size() != partitionDigests.size()) {
      throw new IllegalArgumentException("a digest and a path count per partition");
    }
    segments = List.copyOf(segments);
    large = List.copyOf(large);
  }

  /** True once published: the digest is known. */
  public boolean published() {
    return !digest.isEmpty();
  }

  /** This backup with its digests and counts filled in. */
  public BackupManifest withResult(
      long copiedObjects,
      long copiedBytes,
      List<String> partitionDigests,
      List<Long> partitionPaths) {
    return new BackupManifest(
        id,
        kind,
        chain,
        base,
        version,
        createdAtMillis,
        archiveManifest,
        partitions,
        partitionPaths.stream().mapToLong(Long::longValue).sum(),
        bytes,
        copiedObjects,
        copiedBytes,
        StateDigest.combine(partitionDigests),
        partitionDigests,
        partitionPaths,
        segments,
        large);
  }

  /** The backup keys of one partition's segments, in order. */
  public List<String> partitionKeys(int p) {
    return segments.stream().filter(s -> s.ref().partition() == p).map(Segment::backupKey).toList();
  }
}
