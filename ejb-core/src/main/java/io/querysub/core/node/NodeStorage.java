package io.querysub.core.node;

import io.querysub.config.NodeSettings;
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

  /** A recovered store and the log it now appends to. */
  public record Opened(Store store, FileWriteAheadLog wal, Recovery recovery) {}

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
                + " write-ahead log segments in "
                + millis
                + " ms; "
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
    return new Opened(store, wal, r);
  }
}
