package io.querysub.core.node;

import io.querysub.config.NodeSettings;
import io.querysub.core.archive.ArchiveSettings;
import io.querysub.core.archive.ArchiveStores;
import io.querysub.engine.archive.ArchiveStatus;
import io.querysub.engine.archive.ArchiveStore;
import io.querysub.engine.archive.Archiver;
import io.querysub.engine.archive.ArchiverOptions;
import io.querysub.engine.error.QuerysubException;
import io.querysub.engine.store.Store;
import io.querysub.engine.wal.FileWriteAheadLog;
import io.querysub.engine.watch.WatchHub;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Owns this node's {@link Store}, its write-ahead log and its archiver. Built at deployment
 * ({@code @Startup}): the archive and then the log are replayed into the store ({@link
 * NodeStorage}) before the store is published, so the application only answers requests once
 * recovery is done; {@link #isReady()} feeds the readiness check.
 *
 * <p>Threading: bean-managed concurrency, because the store is thread-safe and a container write
 * lock on every call would serialize the whole node. The golden-horizon timer is non-persistent (a
 * missed tick after a restart is meaningless) and skips a tick while the previous one still runs.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class NodeEngine {
  private static final Logger LOG = Logger.getLogger(NodeEngine.class.getName());

  @Inject NodeSettings settings;

  @Inject org.eclipse.microprofile.config.Config config;

  private ArchiveSettings archiveSettings;
  private volatile ArchiveStore archiveStore;
  private volatile Archiver archiver;

  @Resource TimerService timers;

  private final AtomicBoolean advancing = new AtomicBoolean();
  private final StoreRef ref = new StoreRef();
  private volatile FileWriteAheadLog wal;

  /** A started engine without a container (tests, tools): no timer moves the golden horizon. */
  public static NodeEngine standalone(NodeSettings settings) {
    return standalone(settings, ArchiveSettings.defaults(settings.dataDir()));
  }

  /** A started engine without a container, archiving as {@code archiving} says. */
  public static NodeEngine standalone(NodeSettings settings, ArchiveSettings archiving) {
    NodeEngine e = new NodeEngine();
    e.settings = settings;
    e.archiveSettings = archiving;
    e.open();
    return e;
  }

  @PostConstruct
  void start() {
    archiveSettings =
        ArchiveSettings.read(key -> config.getOptionalValue(key, String.class), settings.dataDir());
    open();
    long period = settings.goldenInterval().toMillis();
    timers.createIntervalTimer(period, period, new TimerConfig("golden-horizon", false));
  }

  private void open() {
    // Replays the write-ahead log before the store is published: readiness stays DOWN until then.
    ArchiveStore archive;
    try {
      archive = ArchiveStores.open(archiveSettings).orElse(null);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot open the archive store (" + ArchiveSettings.STORE + "): " + e.getMessage(), e);
    }
    NodeStorage.Opened o = NodeStorage.open(settings, archive, archiverOptions());
    Store s = o.store();
    wal = o.wal();
    archiveStore = archive;
    archiver = o.archiver();
    if (archiver != null) {
      archiver.start(); // its thread first sweeps what failed rounds left, off the start-up path
    }
    // The hub listens before the store is published, so no commit is missed by watches.
    ref.set(s, new WatchHub(s));
    LOG.info(
        () ->
            "Querysub node "
                + settings.nodeId()
                + " ready: data directory "
                + settings.dataDir()
                + ", "
                + s.options());
  }

  private ArchiverOptions archiverOptions() {
    ArchiveSettings a = archiveSettings;
    return new ArchiverOptions(
        a.partitions(),
        settings.shardDepth(),
        a.largeValueBytes(),
        a.historyRetention(),
        a.maxSegmentsPerPartition(),
        64L << 20,
        a.interval(),
        a.retryMax(),
        settings.maxChangeAge());
  }

  /** Where archiving stands, or empty when the node keeps no archive. */
  public Optional<ArchiveStatus> archiveStatus() {
    Archiver a = archiver;
    return a == null ? Optional.empty() : Optional.of(a.status());
  }

  /** The archiver (tests, tools), or null when the node keeps no archive. */
  public Archiver archiver() {
    return archiver;
  }

  @Timeout
  void advanceGolden() {
    Store s = ref.storeOrNull();
    if (s == null || !advancing.compareAndSet(false, true)) {
      return;
    }
    try {
      s.advanceGolden();
    } catch (RuntimeException e) {
      // Never let the timer die: a failed tick is retried by the next one.
      LOG.log(Level.WARNING, "moving the golden horizon failed", e);
    } finally {
      advancing.set(false);
    }
  }

  /**
   * Stops serving, then closes the write-ahead log: every commit appended before is durable when
   * this returns.
   */
  @PreDestroy
  public void stop() {
    ref.clear();
    Archiver a = archiver;
    if (a != null) {
      a.close();
    }
    ArchiveStore as = archiveStore;
    if (as != null) {
      as.close();
    }
    FileWriteAheadLog w = wal;
    if (w != null) {
      w.close();
    }
    LOG.info("Querysub node stopped");
  }

  /**
   * True once the store is built and the write-ahead log replayed, until the node stops or the log
   * fails (a failed log refuses commits until the node restarts).
   */
  public boolean isReady() {
    FileWriteAheadLog w = wal;
    return ref.isReady() && (w == null || !w.failed());
  }

  /** The store and hub as a plain object, to keep instead of calling this bean per request. */
  public StoreRef ref() {
    return ref;
  }

  /**
   * The store.
   *
   * @throws QuerysubException {@code UNAVAILABLE} before the node is ready or after it stopped
   */
  public Store store() {
    return ref.store();
  }

  /**
   * The watches of this node's store.
   *
   * @throws QuerysubException {@code UNAVAILABLE} before the node is ready or after it stopped
   */
  public WatchHub watchHub() {
    return ref.watchHub();
  }

  public NodeSettings settings() {
    return settings;
  }
}
