package io.querysub.core.node;

import io.querysub.config.NodeSettings;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Owns this node's {@link Store} and its write-ahead log. Built at deployment ({@code @Startup}):
 * the log is replayed into the store ({@link NodeStorage}) before the store is published, so the
 * application only answers requests once recovery is done; {@link #isReady()} feeds the readiness
 * check.
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

  @Resource TimerService timers;

  private final AtomicBoolean advancing = new AtomicBoolean();
  private final StoreRef ref = new StoreRef();
  private volatile FileWriteAheadLog wal;

  /** A started engine without a container (tests, tools): no timer moves the golden horizon. */
  public static NodeEngine standalone(NodeSettings settings) {
    NodeEngine e = new NodeEngine();
    e.settings = settings;
    e.open();
    return e;
  }

  @PostConstruct
  void start() {
    open();
    long period = settings.goldenInterval().toMillis();
    timers.createIntervalTimer(period, period, new TimerConfig("golden-horizon", false));
  }

  private void open() {
    // Replays the write-ahead log before the store is published: readiness stays DOWN until then.
    NodeStorage.Opened o = NodeStorage.open(settings);
    Store s = o.store();
    wal = o.wal();
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
