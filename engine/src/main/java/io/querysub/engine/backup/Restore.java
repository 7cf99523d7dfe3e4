package io.querysub.engine.backup;

import io.querysub.engine.archive.ArchiveKeys;
import io.querysub.engine.archive.ArchiveStore;
import io.querysub.engine.archive.ArchivedWrite;
import io.querysub.engine.archive.LargeRef;
import io.querysub.engine.archive.Manifest;
import io.querysub.engine.archive.ManifestCodec;
import io.querysub.engine.archive.PartitionMerge;
import io.querysub.engine.archive.SegmentCodec;
import io.querysub.engine.archive.SegmentHeader;
import io.querysub.engine.archive.SegmentRef;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.CommitResult;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.Subtree;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import io.querysub.engine.version.Version;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Point-in-time restores, partition by partition: the state as of a version is read from a backup
 * or from the live archive ({@link Source}), then either written as a new archive into an empty
 * store ({@link IntoArchive}: a node started on it holds exactly that state) or applied to a live
 * store as new writes under a subtree ({@link #applyToStore}: watchers see the restore happen).
 */
public final class Restore {
  private Restore() {}

  /** Where a restore reads: segments in a store, and where that store keeps large values. */
  public record Source(
      ArchiveStore store,
      int partitions,
      Version newest,
      List<SourceSegment> segments,
      Map<String, String> largeKeys,
      String name) {

    /** A published backup in its location. */
    public static Source backup(ArchiveStore location, BackupManifest b) {
      return new Source(
          location,
          b.partitions(),
          b.version(),
          b.segments().stream().map(BackupManifest.Segment::source).toList(),
          Backups.largeKeys(b),
          "backup " + b.id());
    }

    /** The live archive as manifest {@code m} lists it. */
    public static Source archive(ArchiveStore archive, Manifest m) {
      return new Source(
          archive,
          m.partitions(),
          m.archivedUpTo(),
          m.segments().stream().map(r -> new SourceSegment(r.key(), r)).toList(),
          Map.of(),
          "the archive (manifest " + m.sequence() + ")");
    }

    public List<SourceSegment> partition(int p) {
      return segments.stream().filter(s -> s.ref().partition() == p).toList();
    }

    public StateDigest.LargeValues large() {
      return Segments.large(store, largeKeys);
    }
  }

  /**
   * The state of partition {@code p} of {@code source} as of {@code asOf}, at or below {@code
   * under} (everything when null).
   *
   * @throws BackupException when {@code asOf} is past what the source holds, or a segment is
   *     missing or damaged
   */
  public static List<ArchivedWrite> state(Source source, int p, Version asOf, Path under)
      throws IOException {
    if (asOf.compareTo(source.newest()) > 0) {
      throw new BackupException(
          source.name() + " holds data up to " + source.newest() + ", not " + asOf);
    }
    return StateDigest.stateAsOf(Segments.read(source.store(), source.partition(p)), asOf, under);
  }

  /** What {@link IntoArchive#writePartition} stored. */
  public record Written(List<SegmentRef> segments, List<String> largeValues)
      implements java.io.Serializable {}

  /**
   * Writes a restored state as a new archive into a store that holds no manifest: one call of
   * {@link #writePartition} per partition, then {@link #finish}. Until the manifest is written the
   * store holds nothing a node would load; a restarted restore writes the same keys again.
   */
  public static final class IntoArchive {
    private final ArchiveStore target;
    private final Source source;

    /**
     * @throws BackupException when {@code target} already holds an archive (a manifest)
     */
    public IntoArchive(ArchiveStore target, Source source) throws IOException {
      if (!target.list(ArchiveKeys.MANIFESTS).isEmpty()) {
        throw new BackupException(
            "the restore target " + target.describe() + " is not empty: it holds an archive");
      }
      this.target = target;
      this.source = source;
    }

    /** Writes one partition's state as segments of about {@code maxSegmentBytes}. */
    public Written writePartition(int p, List<ArchivedWrite> state, long maxSegmentBytes)
        throws IOException {
      List<SegmentRef> refs = new ArrayList<>();
      List<String> large = new ArrayList<>();
      StateDigest.LargeValues values = source.large();
      int from = 0;
      int n = 0;
      while (from < state.size()) {
        long seq = (long) p * 1_000_000L + (++n);
        List<ArchivedWrite> chunk = new ArrayList<>();
        long size = 0;
        int i = from;
        for (; i < state.size() && (i == from || size < maxSegmentBytes); i++) {
          ArchivedWrite w = state.get(i);
          if (w.large() != null) {
            byte[] text = values.bytes(w.large());
            String key = ArchiveKeys.largeValue(seq, large.size());
            target.put(key, text);
            large.add(key);
            w =
                new ArchivedWrite(
                    w.path(),
                    w.version(),
                    null,
                    new LargeRef(key, text.length, SegmentCodec.crc32c(text)));
            size += 64;
          } else {
            size += w.value().size();
          }
          size += 32 + w.path().toString().length();
          chunk.add(w);
        }
        from = i;
        chunk.sort(PartitionMerge.ORDER);
        byte[] bytes = SegmentCodec.encode(new SegmentHeader(p, seq), chunk);
        String key = ArchiveKeys.segment(p, seq);
        target.put(key, bytes);
        refs.add(
            new SegmentRef(
                key,
                p,
                seq,
                chunk.size(),
                bytes.length,
                chunk.get(0).version(),
                chunk.get(chunk.size() - 1).version()));
      }
      return new Written(refs, large);
    }

    /** Writes the manifest listing every partition's segments: the archive exists from here. */
    public Manifest finish(Version asOf, List<Written> partitions) throws IOException {
      List<SegmentRef> refs = new ArrayList<>();
      List<String> large = new ArrayList<>();
      for (Written w : partitions) {
        refs.addAll(w.segments());
        large.addAll(w.largeValues());
      }
      Manifest m = new Manifest(1, source.partitions(), asOf, refs, large);
      String key = ArchiveKeys.manifest(1);
      target.put(key, ManifestCodec.encode(m));
      if (!ManifestCodec.decode(target.get(key)).equals(m)) {
        throw new IOException("the manifest read back from " + key + " differs");
      }
      return m;
    }
  }

  /** What {@link #applyToStore} did. */
  public record Applied(long written, long deleted, long unchanged, long commits) {}

  /**
   * Makes the subtree at {@code root} of a live store hold {@code state} (paths at or below it):
   * values that differ are written, paths the state does not hold are deleted, equal ones are left
   * alone; in commits of at most {@code batch} writes, each atomic, so watchers see the restore as
   * changes. System paths are left alone unless {@code root} is one.
   *
   * @throws BackupException when a commit is rejected (nothing of it applied; earlier batches stay)
   */
  public static Applied applyToStore(
      Store store,
      Path root,
      List<ArchivedWrite> state,
      StateDigest.LargeValues large,
      int batch,
      int maxPaths,
      java.util.function.Predicate<Path> scope)
      throws IOException {
    boolean system = !root.isRoot() && root.isSystem();
    Subtree now = store.subtree(root, maxPaths);
    Map<Path, Value> current = new LinkedHashMap<>();
    for (Subtree.Entry e : now.entries()) {
      if (scope.test(e.path())) {
        current.put(e.path(), e.value());
      }
    }
    List<Write> writes = new ArrayList<>();
    long unchanged = 0;
    for (ArchivedWrite w : state) {
      if (!root.contains(w.path()) || (w.path().isSystem() && !system) || !scope.test(w.path())) {
        continue;
      }
      byte[] bytes = w.value() != null ? w.value().jsonBytes() : large.bytes(w.large());
      Value had = current.remove(w.path());
      if (had != null && Arrays.equals(had.jsonBytes(), bytes)) {
        unchanged++;
      } else {
        writes.add(new Write(w.path(), Value.ofJsonBytes(bytes)));
      }
    }
    long written = writes.size();
    for (Path p : current.keySet()) {
      if (!p.isSystem() || system) {
        writes.add(Write.delete(p));
      }
    }
    long commits = 0;
    for (int from = 0; from < writes.size(); from += batch) {
      List<Write> part = writes.subList(from, Math.min(writes.size(), from + batch));
      CommitResult r = store.commit(List.of(), new ArrayList<>(part));
      if (!r.isValid()) {
        throw new BackupException(
            "restoring "
                + root
                + ": a commit of "
                + part.size()
                + " writes was "
                + r.validity()
                + " after "
                + commits
                + " commits");
      }
      commits++;
    }
    return new Applied(written, writes.size() - written, unchanged, commits);
  }
}
