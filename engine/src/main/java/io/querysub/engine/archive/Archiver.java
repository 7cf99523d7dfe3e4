package io.querysub.engine.archive;

import io.querysub.engine.fail.FailPoints;
import io.querysub.engine.store.GoldenSink;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import io.querysub.engine.version.Version;
import io.querysub.engine.wal.WriteAheadLog;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.CRC32C;

/**
 * Copies golden writes to an {@link ArchiveStore}, and deletes write-ahead log segments once the
 * archive holds them.
 *
 * <p>The store hands every valid commit to this archiver as it becomes golden ({@link GoldenSink});
 * they wait in memory. A <em>round</em> takes what waits, groups it by partition, writes each
 * partition's writes as a new segment (values over the threshold first, as objects of their own),
 * merges a partition's segments into one when it has too many (applying the history retention),
 * then writes a manifest listing every live segment: only then do the new segments count. Then the
 * writes leave memory, superseded manifests and objects no kept manifest lists are deleted, and the
 * log deletes its segments up to what is archived (less a margin).
 *
 * <p>A round that fails (the store is out of reach) changes nothing that counts: the writes stay
 * waiting, the log keeps everything, the status says degraded, and the next round comes after a
 * doubling wait up to {@code retryMax}. Uploaded objects no manifest lists are garbage, deleted at
 * the next start.
 *
 * <p>Threading: the sink methods are called by the store's golden pass; rounds run one at a time
 * (on the archiver's own daemon thread once {@link #start}ed, or by {@link #archiveNow}).
 */
public final class Archiver implements GoldenSink, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Archiver.class.getName());

  /** How many manifests are kept: the current one and the one before, a fallback. */
  private static final int KEPT_MANIFESTS = 2;

  private record Golden(Version version, List<Write> writes) {}

  private final ArchiveStore archive;
  private final ArchiverOptions options;
  private final WriteAheadLog wal;
  private final LongSupplier clock;

  private final Object pendingLock = new Object();
  private final ArrayList<Golden> pending = new ArrayList<>();
  private long pendingWrites;
  private Version pendingUpTo = Version.ZERO;
  private final Version skipAtOrBelow;

  // Round state: only the round in progress touches these (under roundLock).
  private final Object roundLock = new Object();
  private volatile Manifest current;
  private long nextSegmentSequence;
  private final Map<String, List<String>> largeBySegment;

  /** Per round, oldest first: the objects its manifest stopped listing, deleted two rounds on. */
  private final List<Set<String>> doomed = new ArrayList<>();

  private final java.util.concurrent.atomic.AtomicInteger pins =
      new java.util.concurrent.atomic.AtomicInteger();

  private volatile ArchiveStatus status;
  private volatile Thread thread;
  private volatile boolean closed;
  private long rounds;
  private long failures;
  private long delayMillis;
  private String lastError;
  private Instant lastErrorAt;
  private Instant lastSuccessAt;

  /**
   * An archiver continuing the archive {@code loaded} found. Golden commits at or below {@code
   * loaded.archivedUpTo() - walKeep} are not archived again (the archive has them; newer ones come
   * back from the log after a restart and are archived, possibly twice, which merges undo).
   *
   * @param wal the log to delete segments of, or null
   * @param clock the current time in milliseconds (retention)
   */
  public Archiver(
      ArchiveStore archive,
      ArchiverOptions options,
      ArchiveLoader.Loaded loaded,
      WriteAheadLog wal,
      LongSupplier clock) {
    this.archive = archive;
    this.options = options;
    this.wal = wal;
    this.clock = clock;
    Manifest m = loaded.manifest();
    this.current =
        m != null ? m : new Manifest(0, options.partitions(), Version.ZERO, List.of(), List.of());
    this.largeBySegment = new HashMap<>(loaded.largeBySegment());
    long maxSeq = 0;
    for (SegmentRef r : current.segments()) {
      maxSeq = Math.max(maxSeq, r.sequence());
    }
    this.nextSegmentSequence = maxSeq + 1;
    this.skipAtOrBelow = minus(current.archivedUpTo(), options.walKeep().toMillis());
    this.delayMillis = options.interval().toMillis();
    publishStatus();
  }

  // ---- the sink: called by the golden pass under the store's lock ----

  @Override
  public void golden(Version version, List<Write> writes) {
    if (version.compareTo(skipAtOrBelow) <= 0) {
      return;
    }
    synchronized (pendingLock) {
      pending.add(new Golden(version, writes));
      pendingWrites += writes.size();
    }
  }

  @Override
  public void passed(Version horizon) {
    synchronized (pendingLock) {
      if (horizon.compareTo(pendingUpTo) > 0) {
        pendingUpTo = horizon;
      }
    }
  }

  // ---- rounds ----

  /** Starts the archiver's daemon thread, which runs a round every interval (or backs off). */
  public synchronized void start() {
    if (thread != null) {
      return;
    }
    Thread t = new Thread(this::loop, "querysub-archiver");
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  private void loop() {
    try {
      int n = deleteUnlisted();
      if (n > 0) {
        LOG.info(() -> "archive: deleted " + n + " objects no manifest lists");
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(
          Level.WARNING, "cannot sweep the archive of unlisted objects; the next start will", e);
    }
    while (!closed) {
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        if (closed) {
          return;
        }
      }
      if (closed) {
        return;
      }
      try {
        archiveNow();
      } catch (IOException | RuntimeException e) {
        // Recorded in the status by archiveNow; the loop goes on with a longer wait.
      }
    }
  }

  /**
   * Runs one round now: archives every golden write waiting, writes the manifest, deletes garbage
   * and the log up to what is archived.
   *
   * @return how many writes were archived
   * @throws IOException when the store failed; nothing counted, everything still waits
   */
  public long archiveNow() throws IOException {
    synchronized (roundLock) {
      try {
        long n = round();
        rounds++;
        lastSuccessAt = Instant.ofEpochMilli(clock.getAsLong());
        if (lastError != null) {
          LOG.info(() -> "archiving works again: " + archive.describe());
        }
        lastError = null;
        delayMillis = options.interval().toMillis();
        return n;
      } catch (IOException | RuntimeException e) {
        failures++;
        boolean first = lastError == null;
        lastError = e.getMessage() == null ? e.toString() : e.getMessage();
        lastErrorAt = Instant.ofEpochMilli(clock.getAsLong());
        delayMillis = Math.min(options.retryMax().toMillis(), delayMillis * 2);
        LOG.log(
            first ? Level.WARNING : Level.FINE,
            "archiving to " + archive.describe() + " failed; retrying in " + delayMillis + " ms",
            e);
        throw e;
      } finally {
        publishStatus();
      }
    }
  }

  private long round() throws IOException {
    List<Golden> batch;
    Version upTo;
    synchronized (pendingLock) {
      batch = new ArrayList<>(pending);
      upTo = pendingUpTo;
    }
    if (batch.isEmpty()) {
      // Nothing new: no manifest just to move the version on (an idle node would otherwise write,
      // read back and delete one every interval). Every commit is archived by the round after the
      // pass that made it golden, and that round's manifest covers it.
      return 0;
    }
    long written = 0;
    Map<Integer, List<ArchivedWrite>> byPartition = new TreeMap<>();
    for (Golden g : batch) {
      for (Write w : g.writes()) {
        byPartition
            .computeIfAbsent(options.partitionOf(w.path()), k -> new ArrayList<>())
            .add(ArchivedWrite.inline(w.path(), g.version(), w.value()));
        written++;
      }
    }
    List<SegmentRef> segments = new ArrayList<>(current.segments());
    Set<String> dropped = new HashSet<>();
    for (Map.Entry<Integer, List<ArchivedWrite>> e : byPartition.entrySet()) {
      List<ArchivedWrite> ws = e.getValue();
      ws.sort(PartitionMerge.ORDER);
      segments.addAll(writeSegments(e.getKey(), ws));
    }
    for (int p = 0; p < options.partitions(); p++) {
      segments = mergeIfNeeded(p, segments, dropped);
    }
    Version archivedUpTo = max(current.archivedUpTo(), upTo);
    FailPoints.hit(FailPoints.ARCHIVE_BEFORE_MANIFEST);
    publish(segments, archivedUpTo);
    // The manifest counts from here on.
    synchronized (pendingLock) {
      pending.subList(0, batch.size()).clear();
      pendingWrites -= written;
    }
    collectGarbage(dropped);
    if (wal != null) {
      Version keep = minus(archivedUpTo, options.walKeep().toMillis());
      if (!keep.isZero()) {
        wal.deleteUpTo(keep);
      }
    }
    return written;
  }

  /** Writes {@code ws} (one partition's, in version order) as segments of about the size limit. */
  private List<SegmentRef> writeSegments(int partition, List<ArchivedWrite> ws) throws IOException {
    return writeSegments(partition, ws, options.maxSegmentBytes(), null);
  }

  /**
   * Writes {@code ws} as segments of about {@code targetBytes} each; {@code afterEach} (may be
   * null) runs after each segment is stored.
   */
  private List<SegmentRef> writeSegments(
      int partition, List<ArchivedWrite> ws, long targetBytes, Runnable afterEach)
      throws IOException {
    List<SegmentRef> out = new ArrayList<>();
    int from = 0;
    while (from < ws.size()) {
      long size = 0;
      int to = from;
      while (to < ws.size() && (to == from || size < targetBytes)) {
        ArchivedWrite w = ws.get(to);
        long v = w.value() == null ? 64 : Math.min(w.value().size(), options.largeValueBytes());
        size += 64 + w.path().toString().length() + v;
        to++;
      }
      out.add(writeSegment(partition, ws.subList(from, to)));
      if (afterEach != null) {
        afterEach.run();
      }
      from = to;
    }
    return out;
  }

  private SegmentRef writeSegment(int partition, List<ArchivedWrite> ws) throws IOException {
    long seq = nextSegmentSequence++;
    List<ArchivedWrite> encoded = new ArrayList<>(ws.size());
    List<String> large = new ArrayList<>();
    for (ArchivedWrite w : ws) {
      Value v = w.value();
      if (v != null && !v.isAbsent() && v.size() > options.largeValueBytes()) {
        String key = ArchiveKeys.largeValue(seq, large.size());
        byte[] text = v.jsonBytes();
        upload(key, text);
        CRC32C crc = new CRC32C();
        crc.update(text);
        large.add(key);
        encoded.add(
            new ArchivedWrite(
                w.path(), w.version(), null, new LargeRef(key, text.length, (int) crc.getValue())));
      } else {
        if (w.large() != null) {
          large.add(w.large().key());
        }
        encoded.add(w);
      }
    }
    String key = ArchiveKeys.segment(partition, seq);
    byte[] bytes = SegmentCodec.encode(new SegmentHeader(partition, seq), encoded);
    upload(key, bytes);
    if (!large.isEmpty()) {
      largeBySegment.put(key, large);
    }
    return new SegmentRef(
        key,
        partition,
        seq,
        encoded.size(),
        bytes.length,
        encoded.get(0).version(),
        encoded.get(encoded.size() - 1).version());
  }

  /** Uploads an object and checks the store holds all of it. */
  private void upload(String key, byte[] bytes) throws IOException {
    FailPoints.hit(FailPoints.ARCHIVE_BEFORE_UPLOAD);
    archive.put(key, bytes);
    long size = archive.size(key);
    if (size != bytes.length) {
      throw new IOException(
          "the store holds " + size + " bytes under " + key + ", " + bytes.length + " were sent");
    }
  }

  /**
   * Merges every segment of {@code partition} into new ones when it has more than the limit;
   * returns the segment list with the merged ones replaced and adds the replaced keys to {@code
   * dropped}.
   */
  private List<SegmentRef> mergeIfNeeded(
      int partition, List<SegmentRef> segments, Set<String> dropped) throws IOException {
    List<SegmentRef> mine = new ArrayList<>();
    for (SegmentRef r : segments) {
      if (r.partition() == partition) {
        mine.add(r);
      }
    }
    if (mine.size() <= options.maxSegmentsPerPartition()) {
      return segments;
    }
    Merged m = merge(partition, segments, options.maxSegmentBytes(), null, dropped);
    return m.damaged() != null ? segments : m.segments();
  }

  /**
   * What {@link #merge} made.
   *
   * @param segments every segment, the partition's replaced by {@code fresh} (at the end)
   * @param fresh the partition's new segments
   * @param recordsRead writes read from its old segments
   * @param damaged the key of a damaged segment, when nothing was merged because of it
   */
  private record Merged(
      List<SegmentRef> segments, List<SegmentRef> fresh, long recordsRead, String damaged) {}

  /**
   * Reads every segment of {@code partition} in {@code segments}, applies the history retention
   * ({@link PartitionMerge}) and writes what is kept as segments of about {@code targetBytes}
   * ({@code afterEach}, may be null, runs after each). Adds the replaced keys, and the large values
   * only they referred to, to {@code dropped}. A damaged segment is never merged away: then nothing
   * is written, {@code dropped} is left alone, and the result names it.
   */
  private Merged merge(
      int partition,
      List<SegmentRef> segments,
      long targetBytes,
      Runnable afterEach,
      Set<String> dropped)
      throws IOException {
    List<ArchivedWrite> all = new ArrayList<>();
    List<SegmentRef> out = new ArrayList<>();
    Set<String> replaced = new HashSet<>();
    for (SegmentRef r : segments) {
      if (r.partition() != partition) {
        out.add(r);
        continue;
      }
      try {
        all.addAll(SegmentCodec.readWhole(r.key(), r, archive.get(r.key())));
      } catch (ArchiveFormatException e) {
        LOG.warning(() -> e.getMessage() + "; partition " + partition + " is not merged");
        return new Merged(segments, List.of(), 0, r.key());
      }
      replaced.add(r.key());
      replaced.addAll(largeBySegment.getOrDefault(r.key(), List.of()));
    }
    List<ArchivedWrite> kept =
        PartitionMerge.merge(all, clock.getAsLong(), options.historyRetention());
    List<SegmentRef> fresh =
        kept.isEmpty() ? List.of() : writeSegments(partition, kept, targetBytes, afterEach);
    for (SegmentRef r : fresh) {
      out.add(r);
      // Large values the merge kept are still referenced: not garbage.
      largeBySegment.getOrDefault(r.key(), List.of()).forEach(replaced::remove);
    }
    dropped.addAll(replaced);
    return new Merged(out, fresh, all.size(), null);
  }

  /**
   * Deletes manifests older than the kept ones, and the objects only they listed. {@code dropped}
   * were listed by the manifest before the current one (the fallback) and so wait until the next
   * round.
   */
  private void collectGarbage(Set<String> dropped) {
    doomed.add(dropped);
    try {
      for (String key : archive.list(ArchiveKeys.MANIFESTS)) {
        long seq = ArchiveKeys.manifestSequence(key);
        if (seq >= 0 && seq <= current.sequence() - KEPT_MANIFESTS) {
          archive.delete(key);
        }
      }
      // Objects dropped by the manifest before the previous one are listed by no kept manifest.
      // While a reader holds a pin (a backup copying a manifest's segments) nothing is deleted.
      while (doomed.size() >= KEPT_MANIFESTS && pins.get() == 0) {
        Set<String> keys = doomed.get(0);
        if (!keys.isEmpty()) {
          FailPoints.hit(FailPoints.ARCHIVE_BEFORE_DELETE);
        }
        for (String key : keys) {
          largeBySegment.remove(key);
          archive.delete(key);
        }
        doomed.remove(0);
      }
    } catch (IOException e) {
      // Garbage waits for the next round or the next start; nothing that counts depends on it.
      LOG.log(Level.FINE, "deleting superseded archive objects failed", e);
    }
  }

  /**
   * Deletes objects under {@code segments/} and {@code values/} that no kept manifest lists: what a
   * round that failed or crashed after uploading left behind. The thread {@link #start}s with it.
   *
   * @return how many objects were deleted
   */
  public int deleteUnlisted() throws IOException {
    synchronized (roundLock) {
      Set<String> listed = new HashSet<>();
      Set<String> inForce = new HashSet<>();
      for (Manifest m : Manifests.kept(archive, KEPT_MANIFESTS)) {
        Set<String> keys = m.sequence() == current.sequence() ? inForce : new HashSet<>();
        for (SegmentRef r : m.segments()) {
          keys.add(r.key());
        }
        keys.addAll(m.largeValues());
        listed.addAll(keys);
      }
      if (doomed.isEmpty() && !inForce.isEmpty()) {
        // What only the fallback manifest lists is garbage once the next manifest is written: a
        // process that died between a manifest and its deletes left it (the merge job's restart).
        Set<String> fallbackOnly = new HashSet<>(listed);
        fallbackOnly.removeAll(inForce);
        if (!fallbackOnly.isEmpty()) {
          doomed.add(fallbackOnly);
        }
      }
      int n = 0;
      for (String prefix : List.of("segments/", "values/")) {
        for (String key : archive.list(prefix)) {
          if (!listed.contains(key)) {
            archive.delete(key);
            n++;
          }
        }
      }
      return n;
    }
  }

  /**
   * What a merge of one partition did.
   *
   * @param partition the partition
   * @param segmentsBefore its segments before
   * @param segmentsAfter its segments after (the same when nothing was merged)
   * @param recordsRead writes read from the old segments
   * @param recordsWritten writes in the new segments (fewer: history past the retention, and the
   *     same write archived twice, are dropped)
   * @param bytesRead bytes of the old segments
   * @param bytesWritten bytes of the new segments
   * @param skipped why nothing was merged, or null when the partition was merged
   */
  public record MergeResult(
      int partition,
      int segmentsBefore,
      int segmentsAfter,
      long recordsRead,
      long recordsWritten,
      long bytesRead,
      long bytesWritten,
      String skipped) {}

  /**
   * Merges the segments of {@code partition} into as few segments of about {@code targetBytes} as
   * hold them, applying the history retention, when that lowers their number. Runs between rounds
   * (never during one). The new segments count only once the manifest that lists them instead of
   * the old ones is written and read back; the old ones are deleted only after two more manifests
   * (and no pin) no longer list them. A crash at any point leaves either the old segments or the
   * new ones listed, never both and never neither; uploads no manifest lists are deleted by {@link
   * #deleteUnlisted} at the next start.
   *
   * @throws IOException when the store failed; nothing counted, the old segments stay listed
   */
  public MergeResult mergePartition(int partition, long targetBytes) throws IOException {
    if (partition < 0 || partition >= current.partitions()) {
      throw new IllegalArgumentException(
          "partition " + partition + " is not in 0.." + (current.partitions() - 1));
    }
    if (targetBytes < 1024) {
      throw new IllegalArgumentException("a target segment size below 1 KiB: " + targetBytes);
    }
    synchronized (roundLock) {
      List<SegmentRef> mine = new ArrayList<>();
      long bytes = 0;
      for (SegmentRef r : current.segments()) {
        if (r.partition() == partition) {
          mine.add(r);
          bytes += r.bytes();
        }
      }
      long wanted = Math.max(1, (bytes + targetBytes - 1) / targetBytes);
      if (mine.size() <= wanted) {
        return new MergeResult(
            partition,
            mine.size(),
            mine.size(),
            0,
            0,
            0,
            0,
            "already " + mine.size() + " segments");
      }
      Set<String> dropped = new HashSet<>();
      Merged m =
          merge(
              partition,
              current.segments(),
              targetBytes,
              () -> FailPoints.hit(FailPoints.MERGE_AFTER_SEGMENT),
              dropped);
      if (m.damaged() != null) {
        return new MergeResult(
            partition,
            mine.size(),
            mine.size(),
            0,
            0,
            0,
            0,
            "segment " + m.damaged() + " is damaged");
      }
      long written = 0;
      long writtenRecords = 0;
      for (SegmentRef r : m.fresh()) {
        written += r.bytes();
        writtenRecords += r.records();
      }
      FailPoints.hit(FailPoints.MERGE_BEFORE_MANIFEST);
      publish(m.segments(), current.archivedUpTo());
      FailPoints.hit(FailPoints.MERGE_AFTER_MANIFEST);
      collectGarbage(dropped);
      publishStatus();
      return new MergeResult(
          partition,
          mine.size(),
          m.fresh().size(),
          m.recordsRead(),
          writtenRecords,
          bytes,
          written,
          null);
    }
  }

  /** Writes the next manifest listing {@code segments} and reads it back; it counts from here. */
  private void publish(List<SegmentRef> segments, Version archivedUpTo) throws IOException {
    List<String> large = new ArrayList<>();
    for (SegmentRef r : segments) {
      large.addAll(largeBySegment.getOrDefault(r.key(), List.of()));
    }
    Manifest next =
        new Manifest(current.sequence() + 1, options.partitions(), archivedUpTo, segments, large);
    byte[] bytes = ManifestCodec.encode(next);
    String key = ArchiveKeys.manifest(next.sequence());
    archive.put(key, bytes);
    if (!ManifestCodec.decode(archive.get(key)).equals(next)) {
      throw new IOException("the manifest read back from " + key + " differs from the one written");
    }
    current = next;
  }

  /**
   * Keeps every object of the current manifest in the store until the pin is closed: superseded
   * objects are not deleted meanwhile (they are deleted by the first round after). For readers that
   * copy a manifest's objects for longer than two rounds, such as a backup.
   */
  public Pin pin() {
    pins.incrementAndGet();
    return new Pin();
  }

  /** A hold on the archive's objects; see {@link #pin}. Closing it twice is harmless. */
  public final class Pin implements AutoCloseable {
    private final java.util.concurrent.atomic.AtomicBoolean open =
        new java.util.concurrent.atomic.AtomicBoolean(true);

    private Pin() {}

    @Override
    public void close() {
      if (open.compareAndSet(true, false)) {
        pins.decrementAndGet();
      }
    }
  }

  /** The manifest in force: what readers of the archive trust now. */
  public Manifest current() {
    return current;
  }

  /** The store this archiver writes to. */
  public ArchiveStore store() {
    return archive;
  }

  /** How this archiver works. */
  public ArchiverOptions options() {
    return options;
  }

  /** Where archiving stands (the count of waiting writes is read now). */
  public ArchiveStatus status() {
    synchronized (pendingLock) {
      return status.withPendingWrites(pendingWrites);
    }
  }

  private void publishStatus() {
    long waiting;
    synchronized (pendingLock) {
      waiting = pendingWrites;
    }
    Manifest m = current;
    status =
        new ArchiveStatus(
            archive.describe(),
            lastError != null,
            lastError,
            lastErrorAt,
            lastSuccessAt,
            waiting,
            m.archivedUpTo(),
            m.sequence(),
            m.segments().size(),
            rounds,
            failures,
            delayMillis);
  }

  /** Stops the thread; a round in progress finishes first. Does not archive what waits. */
  @Override
  public void close() {
    closed = true;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Version max(Version a, Version b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static Version minus(Version v, long millis) {
    if (v.isZero() || v.millis() <= millis) {
      return Version.ZERO;
    }
    return Version.of(v.millis() - millis, 0, 0);
  }
}
