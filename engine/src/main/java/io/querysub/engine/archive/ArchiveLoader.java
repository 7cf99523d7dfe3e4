package io.querysub.engine.archive;

import io.querysub.engine.store.Store;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import io.querysub.engine.version.Version;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.zip.CRC32C;

/**
 * Recovery from an archive: finds the newest valid manifest, reads every segment it lists, and
 * replays their writes into a store that does not serve yet (values over the threshold come back as
 * lazy values that load their object when first read). Damage inside a segment is skipped and
 * reported; the rest of the segment is kept.
 */
public final class ArchiveLoader {
  private static final Logger LOG = Logger.getLogger(ArchiveLoader.class.getName());

  /**
   * What loading found.
   *
   * @param manifest the manifest loaded, or null for an empty archive
   * @param segments segments read
   * @param writes writes replayed
   * @param damaged damaged stretches skipped in all segments
   * @param largeBySegment the large-value keys each segment refers to
   * @param millis time spent
   */
  public record Loaded(
      Manifest manifest,
      int segments,
      long writes,
      int damaged,
      Map<String, List<String>> largeBySegment,
      long millis) {
    /** Every golden write at or below this version is in the archive. */
    public Version archivedUpTo() {
      return manifest == null ? Version.ZERO : manifest.archivedUpTo();
    }
  }

  private ArchiveLoader() {}

  /**
   * Loads the archive into {@code store} with {@link Store#replay}.
   *
   * @throws IOException when the store cannot be read (unreachable, or a listed segment is missing)
   */
  public static Loaded load(ArchiveStore archive, Store store) throws IOException {
    long t0 = System.nanoTime();
    Manifest m = Manifests.latest(archive).orElse(null);
    if (m == null) {
      return new Loaded(null, 0, 0, 0, Map.of(), (System.nanoTime() - t0) / 1_000_000);
    }
    long writes = 0;
    long skipped = 0;
    int damaged = 0;
    Map<String, List<String>> large = new HashMap<>();
    // Newest segments first, newest writes first: a superseded version the store would trim at
    // once (its newest version is older than the store's history retention) is not loaded at all,
    // so recovery holds about one version per path however much history the archive keeps.
    long cutoff = store.clock().physicalMillis() - store.options().historyRetention().toMillis();
    List<SegmentRef> refs = m.segments();
    for (int s = refs.size() - 1; s >= 0; s--) {
      SegmentRef ref = refs.get(s);
      SegmentScan scan = SegmentCodec.scan(archive.get(ref.key()));
      for (SegmentScan.Damage d : scan.damage()) {
        LOG.warning(
            () ->
                "archive segment "
                    + ref.key()
                    + ": skipped "
                    + d.length()
                    + " damaged bytes at offset "
                    + d.offset()
                    + " ("
                    + d.reason()
                    + ")");
      }
      damaged += scan.damage().size();
      if (scan.writes().size() != ref.records()) {
        // A segment cut at a record boundary scans clean: only its manifest entry tells.
        LOG.warning(
            () ->
                "archive segment "
                    + ref.key()
                    + " holds "
                    + scan.writes().size()
                    + " readable records of the "
                    + ref.records()
                    + " its manifest lists");
        if (scan.damage().isEmpty()) {
          damaged++;
        }
      }
      List<String> largeKeys = new ArrayList<>();
      List<ArchivedWrite> ws = scan.writes();
      for (int i = ws.size() - 1; i >= 0; i--) {
        ArchivedWrite w = ws.get(i);
        if (w.large() != null) {
          largeKeys.add(w.large().key());
        }
        Version newest = store.read(w.path()).version();
        if (newest.compareTo(w.version()) > 0 && newest.millis() < cutoff) {
          skipped++;
          continue;
        }
        Value v = w.value() != null ? w.value() : lazy(archive, w.large());
        store.replay(w.version(), List.of(new Write(w.path(), v)));
        writes++;
      }
      if (!largeKeys.isEmpty()) {
        large.put(ref.key(), largeKeys);
      }
    }
    if (skipped > 0) {
      long n = skipped;
      LOG.fine(
          () -> "archive: " + n + " superseded versions not loaded (past the store's retention)");
    }
    return new Loaded(
        m, m.segments().size(), writes, damaged, large, (System.nanoTime() - t0) / 1_000_000);
  }

  /** A value whose text is the object {@code ref} names, read and checked on first use. */
  public static Value lazy(ArchiveStore archive, LargeRef ref) {
    if (ref.size() > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("archived value " + ref.key() + " is too large to load");
    }
    return Value.lazy((int) ref.size(), () -> readLarge(archive, ref));
  }

  /** Reads a large value's object and checks its size and checksum. */
  public static byte[] readLarge(ArchiveStore archive, LargeRef ref) {
    byte[] b;
    try {
      b = archive.get(ref.key());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot load the archived value " + ref.key() + " from " + archive.describe(), e);
    }
    CRC32C crc = new CRC32C();
    crc.update(b);
    if (b.length != ref.size() || (int) crc.getValue() != ref.crc32c()) {
      throw new IllegalStateException(
          "the archived value " + ref.key() + " is damaged (size or checksum differs)");
    }
    return b;
  }
}
