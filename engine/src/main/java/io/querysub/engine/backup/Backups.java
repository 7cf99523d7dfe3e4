package io.querysub.engine.backup;

import io.querysub.engine.archive.ArchiveFormatException;
import io.querysub.engine.archive.ArchiveObjectNotFoundException;
import io.querysub.engine.archive.ArchiveStore;
import io.querysub.engine.archive.ArchivedWrite;
import io.querysub.engine.archive.Manifest;
import io.querysub.engine.archive.SegmentRef;
import io.querysub.engine.version.Version;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Backups of an archive into a backup location (any {@link ArchiveStore}), in steps a batch job
 * checkpoints between: {@link #plan} (which objects make the snapshot, which of them to copy; the
 * plan is stored at once so a restarted job finds it), {@link #copy} each object, {@link
 * #digestPartition} each partition (read back from the location), {@link #publish}.
 *
 * <p>Layout of a location: {@code backups/<id>.manifest} (a published backup), {@code
 * plans/<id>.plan} (a backup in progress; deleted when published), and {@code chains/<full id>/...}
 * the objects of a full backup and the incremental ones built on it. Objects are never rewritten; a
 * backup counts only once its manifest is written and read back.
 */
public final class Backups {
  private static final System.Logger LOG = System.getLogger(Backups.class.getName());

  public static final String MANIFESTS = "backups/";
  public static final String PLANS = "plans/";
  public static final String CHAINS = "chains/";

  private Backups() {}

  public static String manifestKey(long id) {
    return String.format("%s%020d.manifest", MANIFESTS, id);
  }

  public static String planKey(long id) {
    return String.format("%s%020d.plan", PLANS, id);
  }

  /** Where a chain keeps a segment: named by the archive key and what tells reused keys apart. */
  static String segmentKey(long chain, SegmentRef r) {
    return String.format(
        "%s%020d/%s.%d-%d-%d",
        CHAINS, chain, r.key(), r.records(), r.bytes(), r.minVersion().stamp());
  }

  static String largeKey(long chain, String archiveKey, long size) {
    return String.format("%s%020d/%s.%d", CHAINS, chain, archiveKey, size);
  }

  /** One object to copy from the archive into the backup location. */
  public record CopyItem(String sourceKey, String backupKey, long bytes, SegmentRef ref)
      implements java.io.Serializable {}

  /** A partition's digest and how many paths hold a value in it. */
  public record PartitionDigest(String digest, long paths) {}

  /**
   * Every published backup of the location, by id; a manifest that cannot be read is handed to
   * {@code damaged} and left out.
   */
  public static List<BackupManifest> list(ArchiveStore target, Consumer<String> damaged)
      throws IOException {
    List<BackupManifest> out = new ArrayList<>();
    for (String key : target.list(MANIFESTS)) {
      long id = id(key, MANIFESTS, ".manifest");
      if (id <= 0) {
        continue;
      }
      try {
        BackupManifest m = BackupManifestCodec.decode(target.get(key));
        if (m.id() == id) {
          out.add(m);
        } else {
          damaged.accept(key + ": holds backup " + m.id());
        }
      } catch (ArchiveFormatException | ArchiveObjectNotFoundException e) {
        damaged.accept(key + ": " + e.getMessage());
      }
    }
    out.sort((a, b) -> Long.compare(a.id(), b.id()));
    return out;
  }

  /** {@link #list} that logs the manifests it cannot read. */
  public static List<BackupManifest> list(ArchiveStore target) throws IOException {
    return list(
        target,
        why ->
            LOG.log(
                System.Logger.Level.WARNING,
                "backup location " + target.describe() + ": passing over " + why));
  }

  /**
   * The published backup {@code id}.
   *
   * @throws BackupException when there is none or it cannot be read
   */
  public static BackupManifest get(ArchiveStore target, long id) throws IOException {
    byte[] bytes;
    try {
      bytes = target.get(manifestKey(id));
    } catch (ArchiveObjectNotFoundException e) {
      throw new BackupException("backup " + id + " does not exist in " + target.describe());
    }
    try {
      return BackupManifestCodec.decode(bytes);
    } catch (ArchiveFormatException e) {
      throw new BackupException("backup " + id + " cannot be read: " + e.getMessage());
    }
  }

  /** The plan of backup {@code id}, or empty when it was published or never planned. */
  public static Optional<BackupManifest> plan(ArchiveStore target, long id) throws IOException {
    try {
      return Optional.of(BackupManifestCodec.decode(target.get(planKey(id))));
    } catch (ArchiveObjectNotFoundException e) {
      return Optional.empty();
    }
  }

  private static long id(String key, String prefix, String suffix) {
    if (!key.startsWith(prefix) || !key.endsWith(suffix)) {
      return -1;
    }
    try {
      return Long.parseLong(key.substring(prefix.length(), key.length() - suffix.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The id of the next backup: that of a plan newer than every published backup (a backup whose job
   * died with its node: the next one finishes it under its id, keeping what it copied), or one more
   * than any id used.
   */
  private static long nextId(ArchiveStore target) throws IOException {
    long published = 0;
    for (String key : target.list(MANIFESTS)) {
      published = Math.max(published, id(key, MANIFESTS, ".manifest"));
    }
    long planned = 0;
    for (String key : target.list(PLANS)) {
      planned = Math.max(planned, id(key, PLANS, ".plan"));
    }
    return planned > published ? planned : Math.max(published, planned) + 1;
  }

  /**
   * Plans a backup of the archive as its manifest {@code m} holds it, and stores the plan. Full
   * when asked, when the location holds no backup, when the archive's partitioning changed, or when
   * the newest chain already holds {@code fullEvery} backups; incremental otherwise.
   *
   * @param id the backup's id, or 0 for the next free one (a restarted job passes its own)
   */
  public static BackupManifest plan(
      ArchiveStore archive,
      Manifest m,
      ArchiveStore target,
      long id,
      int fullEvery,
      boolean full,
      long nowMillis)
      throws IOException {
    if (fullEvery < 1) {
      throw new IllegalArgumentException("fullEvery must be at least 1, got " + fullEvery);
    }
    List<BackupManifest> published = list(target);
    BackupManifest prev = published.isEmpty() ? null : published.get(published.size() - 1);
    long chainLength = 0;
    if (prev != null) {
      for (BackupManifest b : published) {
        if (b.chain() == prev.chain()) {
          chainLength++;
        }
      }
    }
    boolean isFull =
        full || prev == null || prev.partitions() != m.partitions() || chainLength >= fullEvery;
    long myId = id > 0 ? id : nextId(target);
    long chain = isFull ? myId : prev.chain();
    List<BackupManifest.Segment> segments = new ArrayList<>();
    long bytes = 0;
    for (SegmentRef r : m.segments()) {
      segments.add(new BackupManifest.Segment(segmentKey(chain, r), r));
      bytes += r.bytes();
    }
    List<BackupManifest.Large> large = new ArrayList<>();
    Map<String, Long> prevLarge = new HashMap<>();
    if (prev != null) {
      prev.large().forEach(l -> prevLarge.put(l.archiveKey(), l.size()));
    }
    for (String key : m.largeValues()) {
      long size = archive.size(key);
      if (size < 0) {
        throw new BackupException("large value " + key + " is missing from " + archive.describe());
      }
      large.add(new BackupManifest.Large(largeKey(chain, key, size), key, size));
      bytes += size;
    }
    BackupManifest plan =
        new BackupManifest(
            myId,
            isFull ? BackupManifest.Kind.FULL : BackupManifest.Kind.INCREMENTAL,
            chain,
            isFull ? 0 : prev.id(),
            m.archivedUpTo(),
            nowMillis,
            m.sequence(),
            m.partitions(),
            0,
            bytes,
            0,
            0,
            "",
            List.of(),
            List.of(),
            segments,
            large);
    target.put(planKey(myId), BackupManifestCodec.encode(plan));
    return plan;
  }

  /**
   * The objects of {@code plan} to copy: all of a full backup's; of an incremental one, those its
   * base does not list.
   */
  public static List<CopyItem> toCopy(ArchiveStore target, BackupManifest plan) throws IOException {
    Set<String> held = new HashSet<>();
    if (plan.kind() == BackupManifest.Kind.INCREMENTAL) {
      BackupManifest base = get(target, plan.base());
      base.segments().forEach(s -> held.add(s.backupKey()));
      base.large().forEach(l -> held.add(l.backupKey()));
    }
    List<CopyItem> out = new ArrayList<>();
    for (BackupManifest.Segment s : plan.segments()) {
      if (!held.contains(s.backupKey())) {
        out.add(new CopyItem(s.ref().key(), s.backupKey(), s.ref().bytes(), s.ref()));
      }
    }
    for (BackupManifest.Large l : plan.large()) {
      if (!held.contains(l.backupKey())) {
        out.add(new CopyItem(l.archiveKey(), l.backupKey(), l.size(), null));
      }
    }
    return out;
  }

  /** True when the archive still holds every object of {@code items} from {@code from} on. */
  public static boolean stillThere(ArchiveStore archive, List<CopyItem> items, int from)
      throws IOException {
    for (int i = from; i < items.size(); i++) {
      if (archive.size(items.get(i).sourceKey()) != items.get(i).bytes()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Copies one object, checking it on the way (a segment must scan clean with the records its entry
   * lists; every object must have its size), unless the location already holds it whole (a
   * restarted job).
   *
   * @return the bytes copied (0 when it was there)
   * @throws BackupException when the archive's object is missing or damaged
   */
  public static long copy(ArchiveStore archive, ArchiveStore target, CopyItem item)
      throws IOException {
    if (target.size(item.backupKey()) == item.bytes()) {
      return 0;
    }
    byte[] bytes = Segments.get(archive, item.sourceKey());
    if (item.ref() != null) {
      Segments.check(new SourceSegment(item.sourceKey(), item.ref()), bytes);
    } else if (bytes.length != item.bytes()) {
      throw new BackupException(
          "large value "
              + item.sourceKey()
              + " holds "
              + bytes.length
              + " bytes, "
              + item.bytes()
              + " expected");
    }
    target.put(item.backupKey(), bytes);
    io.querysub.engine.fail.FailPoints.hit(io.querysub.engine.fail.FailPoints.BACKUP_AFTER_COPY);
    long size = target.size(item.backupKey());
    if (size != bytes.length) {
      throw new IOException(
          "the backup location holds "
              + size
              + " bytes under "
              + item.backupKey()
              + ", "
              + bytes.length
              + " were sent");
    }
    return bytes.length;
  }

  /** Maps the archive keys of a backup's large values to where the backup keeps them. */
  public static Map<String, String> largeKeys(BackupManifest b) {
    Map<String, String> keys = new HashMap<>();
    b.large().forEach(l -> keys.put(l.archiveKey(), l.backupKey()));
    return keys;
  }

  /**
   * The digest of partition {@code p} of backup {@code b}: taken over from {@code base} (the backup
   * an incremental one builds on, or null) when the partition holds exactly the same objects there
   * (no write reached it in between, so its state as of either version is the same); otherwise read
   * back from the location ({@link #digestPartition(ArchiveStore, BackupManifest, int)}).
   */
  public static PartitionDigest digestPartition(
      ArchiveStore target, BackupManifest b, int p, BackupManifest base) throws IOException {
    if (base != null
        && base.published()
        && base.partitions() == b.partitions()
        && base.partitionKeys(p).equals(b.partitionKeys(p))) {
      return new PartitionDigest(base.partitionDigests().get(p), base.partitionPaths().get(p));
    }
    return digestPartition(target, b, p);
  }

  /**
   * Reads partition {@code p} of the backup back from the location and digests its data as of the
   * backup's version.
   *
   * @throws BackupException when an object is missing or damaged
   */
  public static PartitionDigest digestPartition(ArchiveStore target, BackupManifest b, int p)
      throws IOException {
    return digest(Restore.Source.backup(target, b), p, b.version());
  }

  /** The digest of partition {@code p} of the archive {@code m}, as of {@code asOf}. */
  public static PartitionDigest digestArchive(ArchiveStore archive, Manifest m, int p, Version asOf)
      throws IOException {
    return digest(Restore.Source.archive(archive, m), p, asOf);
  }

  /** The digest of partition {@code p} of {@code source}'s data as of {@code asOf}. */
  private static PartitionDigest digest(Restore.Source source, int p, Version asOf)
      throws IOException {
    List<ArchivedWrite> state = Restore.state(source, p, asOf, null);
    return new PartitionDigest(
        StateDigest.hex(StateDigest.digest(state, source.large())), state.size());
  }

  /**
   * Writes the backup's manifest, reads it back, and deletes its plan: from here on the backup
   * exists.
   */
  public static BackupManifest publish(ArchiveStore target, BackupManifest done)
      throws IOException {
    if (!done.published()) {
      throw new IllegalArgumentException("backup " + done.id() + " has no digest yet");
    }
    String key = manifestKey(done.id());
    target.put(key, BackupManifestCodec.encode(done));
    if (!BackupManifestCodec.decode(target.get(key)).equals(done)) {
      throw new IOException("the backup manifest read back from " + key + " differs");
    }
    target.delete(planKey(done.id()));
    return done;
  }

  /**
   * A whole backup in one call, the steps the {@code backup} job takes one by one: plan, copy,
   * digest each partition (taking over those of an unchanged partition from the base), publish.
   */
  public static BackupManifest backup(
      ArchiveStore archive,
      Manifest m,
      ArchiveStore target,
      int fullEvery,
      boolean full,
      long nowMillis)
      throws IOException {
    BackupManifest plan = plan(archive, m, target, 0, fullEvery, full, nowMillis);
    long objects = 0;
    long bytes = 0;
    for (CopyItem item : toCopy(target, plan)) {
      bytes += copy(archive, target, item);
      objects++;
    }
    BackupManifest base =
        plan.kind() == BackupManifest.Kind.INCREMENTAL ? get(target, plan.base()) : null;
    List<String> digests = new ArrayList<>();
    List<Long> paths = new ArrayList<>();
    for (int p = 0; p < plan.partitions(); p++) {
      PartitionDigest d = digestPartition(target, plan, p, base);
      digests.add(d.digest());
      paths.add(d.paths());
    }
    return publish(target, plan.withResult(objects, bytes, digests, paths));
  }

  /** What {@link #expire} removed. */
  public record Expired(List<Long> chains, long backups, long objects) {}

  /**
   * Keeps the newest {@code keepChains} chains (a full backup and the incremental ones built on it)
   * and deletes the older ones: first their manifests (from then on they do not exist), then their
   * objects; then objects of chains that no manifest names any more (left by an expiry that died
   * half way) and plans older than the oldest kept chain. A {@code keepChains} of 0 keeps
   * everything.
   */
  public static Expired expire(ArchiveStore target, int keepChains) throws IOException {
    if (keepChains <= 0) {
      return new Expired(List.of(), 0, 0);
    }
    List<BackupManifest> all = list(target);
    java.util.TreeSet<Long> chains = new java.util.TreeSet<>();
    all.forEach(b -> chains.add(b.chain()));
    if (chains.isEmpty()) {
      return new Expired(List.of(), 0, 0);
    }
    List<Long> kept =
        new ArrayList<>(chains.descendingSet()).subList(0, Math.min(keepChains, chains.size()));
    long oldestKept = java.util.Collections.min(kept);
    long backups = 0;
    for (BackupManifest b : all) {
      if (b.chain() < oldestKept) {
        target.delete(manifestKey(b.id()));
        backups++;
      }
    }
    long objects = 0;
    Set<Long> dropped = new java.util.TreeSet<>();
    for (String key : target.list(CHAINS)) {
      long chain = chainOf(key);
      if (chain > 0 && chain < oldestKept) {
        target.delete(key);
        dropped.add(chain);
        objects++;
      }
    }
    for (String key : target.list(PLANS)) {
      long id = id(key, PLANS, ".plan");
      if (id > 0 && id < oldestKept) {
        target.delete(key);
      }
    }
    return new Expired(List.copyOf(dropped), backups, objects);
  }

  private static long chainOf(String key) {
    int slash = key.indexOf('/', CHAINS.length());
    if (!key.startsWith(CHAINS) || slash < 0) {
      return -1;
    }
    try {
      return Long.parseLong(key.substring(CHAINS.length(), slash));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The oldest published backup at or after {@code t} (it holds the most history for it). */
  public static Optional<BackupManifest> covering(List<BackupManifest> backups, Version t) {
    for (BackupManifest b : backups) {
      if (b.version().compareTo(t) >= 0) {
        return Optional.of(b);
      }
    }
    return Optional.empty();
  }
}
