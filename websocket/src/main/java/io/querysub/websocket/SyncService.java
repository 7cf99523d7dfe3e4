package io.querysub.websocket;

import io.querysub.config.NodeSettings;
import io.querysub.core.auth.Authenticator;
import io.querysub.core.auth.Caller;
import io.querysub.core.data.DataService;
import io.querysub.core.fn.Functions;
import io.querysub.core.node.NodeEngine;
import io.querysub.engine.watch.WatchHub;
import io.querysub.websocket.internal.Connection;
import io.querysub.websocket.internal.Gate;
import io.querysub.websocket.internal.Outbound;
import io.querysub.websocket.protocol.WireCodes;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * The node's side of every {@code /sync} connection: builds a {@link Connection} per WebSocket
 * session over the node's {@link DataService} and watch hub, and knows which are open (for the
 * health check and for closing them when the node stops). Sending is asynchronous: a connection's
 * frames are handed to the session's async remote, and the work a commit triggers runs on a pool of
 * managed threads, never on the committing thread.
 */
@ApplicationScoped
public class SyncService {
  private static final Logger LOG = Logger.getLogger(SyncService.class.getName());

  @Inject DataService data;
  @Inject NodeEngine engine;
  @Inject NodeSettings nodeSettings;
  @Inject Config config;
  @Inject Functions functions;
  @Inject Authenticator authenticator;

  @Resource ManagedThreadFactory threadFactory;
  @Resource ManagedScheduledExecutorService scheduler;

  /**
   * Runs the outbound senders a commit starts. A plain pool over managed threads: the container's
   * context is captured once per thread, where a {@code ManagedExecutorService} captures it (a
   * {@code ServiceLoader} search on Payara) for every task, i.e. for every watcher of a write.
   */
  private ThreadPoolExecutor senders;

  /**
   * Times the {@code durable} notices that found no answer to ride with (one thread; it only hands
   * the sending to {@link #senders}). Plain, over a managed thread, for the reason above.
   */
  private java.util.concurrent.ScheduledThreadPoolExecutor noticeTimer;

  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private SyncSettings settings;
  private ScheduledFuture<?> sweeping;

  @PostConstruct
  void start() {
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    senders =
        new ThreadPoolExecutor(
            threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threadFactory);
    senders.allowCoreThreadTimeOut(true);
    noticeTimer = new java.util.concurrent.ScheduledThreadPoolExecutor(1, threadFactory);
    noticeTimer.setRemoveOnCancelPolicy(true);
    settings =
        SyncSettings.read(
            key -> config.getOptionalValue(key, String.class), nodeSettings.maxRequestBytes());
    LOG.info(() -> "Querysub sync settings: " + settings);
    long idleMillis = settings.idleTimeoutSeconds() * 1000L;
    // At least once a second: a connection whose token ends is closed within about a second.
    long period = idleMillis > 0 ? Math.min(1000, Math.max(250, idleMillis / 4)) : 1000;
    sweeping =
        scheduler.scheduleWithFixedDelay(
            () -> sweep(TimeUnit.MILLISECONDS.toNanos(idleMillis)),
            period,
            period,
            TimeUnit.MILLISECONDS);
  }

  /**
   * Closes connections that sent nothing for the idle timeout (a client that vanished without a
   * close frame, a dropped network or a killed process, would otherwise hold its watches for ever)
   * and those whose token expired or was signed out (told with an {@code UNAUTHENTICATED} error,
   * then closed with 4003).
   */
  private void sweep(long idleNanos) {
    long now = System.nanoTime();
    long nowMillis = System.currentTimeMillis();
    for (Connection c : open) {
      if (idleNanos > 0 && c.silentFor(idleNanos, now)) {
        open.remove(c);
        c.closeSession(
            WireCodes.CLOSE_IDLE, "nothing received for the idle timeout; ping when quiet");
      } else if (c.closeIfTokenEnded(nowMillis)) {
        open.remove(c);
      }
    }
  }

  @PreDestroy
  void stop() {
    if (sweeping != null) {
      sweeping.cancel(false);
    }
    for (Connection c : open) {
      c.closeSession(WireCodes.CLOSE_GOING_AWAY, "the node is stopping");
    }
    open.clear();
    noticeTimer.shutdownNow();
    senders.shutdown();
  }

  public SyncSettings settings() {
    return settings;
  }

  /** A new connection for a session that just opened. */
  Connection open(Session session) {
    Connection c =
        new Connection(
            session.getId(),
            data,
            this::hub,
            settings,
            new SessionTransport(session),
            senders,
            functions::submit,
            settings.durableNoticeDelayMillis() == 0
                ? null
                : (task, delay) -> noticeTimer.schedule(task, delay, TimeUnit.MILLISECONDS),
            gate);
    open.add(c);
    return c;
  }

  /** The session ended: its watches are closed and it is forgotten. */
  void closed(Connection c) {
    c.close();
    open.remove(c);
  }

  /** Open connections. */
  public int connectionCount() {
    return open.size();
  }

  /** Watches held by open connections. */
  public int watchCount() {
    int n = 0;
    for (Connection c : open) {
      n += c.watchCount();
    }
    return n;
  }

  /** The node's authenticator as a connection's gate. */
  private final Gate gate =
      new Gate() {
        @Override
        public Caller authenticate(String token) {
          return authenticator.authenticate(token);
        }

        @Override
        public boolean stillValid(Caller caller, long nowMillis) {
          return authenticator.stillValid(caller, nowMillis);
        }
      };

  WatchHub hub() {
    return engine.ref().watchHub();
  }

  /** A session's async remote as the outbound queue's transport. */
  private record SessionTransport(Session session) implements Outbound.Transport {
    @Override
    public void send(String frame, java.util.function.Consumer<Throwable> done) {
      session
          .getAsyncRemote()
          .sendText(frame, r -> done.accept(r.isOK() ? null : r.getException()));
    }

    @Override
    public void close(int code, String reason) {
      try {
        if (session.isOpen()) {
          session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
        }
      } catch (IOException | RuntimeException e) {
        LOG.log(Level.FINE, "closing sync session " + session.getId() + " failed", e);
      }
    }
  }
}
