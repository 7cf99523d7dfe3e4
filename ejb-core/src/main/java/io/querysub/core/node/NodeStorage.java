package io.querysub.core.node;

import io.querysub.config.NodeSettings;
import io.querysub.engine.archive.ArchiveLoader;
import io.querysub.engine.archive.ArchiveStore;
import io.querysub.engine.archive.Archiver;
import io.querysub.engine.archive.ArchiverOptions;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.StoreOptions;
import io.querysub.engine.version.HybridClock;
import io.querysub.engine.wal.FileWriteAheadLog;
import io.querysub.engine.wal.Recovery;
import io.querysub.engine.wal.WalOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * Builds a node's store from its data directory: creates the directory, opens the write-ahead log
 * in {@code <dataDir>/wal}, replays it into a new store, makes the replayed commits that are old
 * enough golden, and logs what recovery found and how long it took. Plain Java, so it is
 * unit-tested without a container.
 */
public final class NodeStorage {
  private static final Logger LOG = Logger.getLogger(NodeStorage.class.getName());

  /** The log's directory under the data directory. */
  public static final String WAL_DIR = "wal";

  /**
   * A recovered store, the log it now appends to, and the archiver fed by its golden pass (null
   * when the node keeps no archive; not started: the caller starts it once the node serves).
   */
  public record Opened(
      Store store,
      FileWriteAheadLog wal,
      Recovery recovery,
      Archiver archiver,
      ArchiveLoader.Loaded archived) {}

  private NodeStorage() {}

  /**
   * Recovers the node's store. When this returns the store holds every commit of the log (a torn
   * tail cut), its clock is past the highest replayed version, and new commits are appended to a
   * fresh segment.
   *
   * @throws IllegalStateException when the data directory cannot be created or the log cannot be
   *     read (the message names the file, and the offset of any damage)
   */
  public static Opened open(NodeSettings settings) {
    return open(settings, null, null);
  }

  /**
   * Recovers the node's store from its archive (when {@code archive} is not null), then its log:
   * the newest manifest's segments are replayed first, then every log record the archive does not
   * already hold. When this returns the archiver listens to the store's golden pass.
   *
   * @param archive where the node archives golden writes, or null for none
   * @param archiving how it archives (ignored when {@code archive} is null)
   * @throws IllegalStateException when the archive cannot be read (it holds data the log no longer
   *     has, so the node must not serve without it) or the log cannot be read
   */
  public static Opened open(
      NodeSettings settings, ArchiveStore archive, ArchiverOptions archiving) {
    Path data = settings.dataDir();
    try {
      Files.createDirectories(data);
    } catch (IOException | SecurityException e) {
      throw new IllegalStateException(
          "cannot create the data directory " + data + " (querysub.dataDir): " + e.getMessage(), e);
    }
    StoreOptions options =
        new StoreOptions(
            settings.shardDepth(),
            settings.maxChangeAge(),
            settings.historyRetention(),
            settings.commitStripes());
    FileWriteAheadLog wal =
        new FileWriteAheadLog(
            new WalOptions(
                data.resolve(WAL_DIR), settings.walFlushMillis(), settings.walSegmentBytes()));
    Store store = new Store(options, new HybridClock(settings.nodeId()), wal);
    long t0 = System.nanoTime();
    ArchiveLoader.Loaded loaded = null;
    Archiver archiver = null;
    if (archive != null) {
      loaded = loadArchive(archive, store, archiving);
      // What the archive holds is golden already: settle it before the sink listens, so it is not
      // archived again.
      store.advanceGolden(loaded.archivedUpTo());
      archiver = new Archiver(archive, archiving, loaded, wal, System::currentTimeMillis);
      store.setGoldenSink(archiver);
      ArchiveLoader.Loaded l = loaded;
      LOG.info(
          () ->
              "Querysub recovery: "
                  + l.writes()
                  + " writes from "
                  + l.segments()
                  + " archive segments of "
                  + archive.describe()
                  + (l.manifest() == null
                      ? " (empty)"
                      : " (manifest " + l.manifest().sequence() + ")")
                  + " in "
                  + l.millis()
                  + " ms"
                  + (l.damaged() == 0 ? "" : "; " + l.damaged() + " damaged stretches skipped"));
    }
    Recovery r;
    try {
      r = wal.open(rec -> store.replay(rec.version(), rec.writes()));
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot recover the node from " + data.resolve(WAL_DIR) + ": " + e.getMessage(), e);
    }
    // Replayed commits behind the horizon become golden now, not at the first timer tick.
    store.advanceGolden();
    long millis = (System.nanoTime() - t0) / 1_000_000;
    LOG.info(
        () ->
            "Querysub recovery: "
                + r.records()
                + " commits ("
                + r.bytes()
                + " bytes) from "
                + r.segments()
                + " write-ahead log segments; recovery took "
                + millis
                + " ms in all; "
                + store.pathCount()
                + " path entries; highest version "
                + r.highest()
                + (r.cut() == null
                    ? "; the log ended cleanly"
                    : "; a damaged tail was cut: "
                        + r.cut().file()
                        + " at offset "
                        + r.cut().offset()
                        + " ("
                        + r.cut().removed()
                        + " bytes, "
                        + r.cut().reason()
                        + ")"));
    return new Opened(store, wal, r, archiver, loaded);
  }

  /**
   * Loads the archive, retrying while the store is out of reach, for at most a minute: a node whose
   * archive holds data its log no longer has must not serve without it.
   */
  private static ArchiveLoader.Loaded loadArchive(
      ArchiveStore archive, Store store, ArchiverOptions archiving) {
    long deadline = System.nanoTime() + 60_000_000_000L;
    long wait = 200;
    while (true) {
      try {
        return ArchiveLoader.load(archive, store);
      } catch (IOException | RuntimeException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "cannot read the archive at " + archive.describe() + ": " + e.getMessage(), e);
        }
        long w = wait;
        LOG.warning(
            () ->
                "cannot read the archive at "
                    + archive.describe()
                    + " ("
                    + e.getMessage()
                    + "); retrying in "
                    + w
                    + " ms");
        try {
          Thread.sleep(wait);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while reading the archive", ie);
        }
        wait = Math.min(archiving.retryMax().toMillis(), wait * 2);
      }
    }
  }
}
