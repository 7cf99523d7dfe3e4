package io.querysub.websocket;

import io.querysub.websocket.internal.Connection;
import io.querysub.websocket.internal.ContainerIdleTimer;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code ws://HOST:PORT/sync}: protocol v1 ({@code docs/protocol.md}). One instance per session;
 * all state lives in the session's {@link Connection}.
 *
 * <p>The frame limit is {@code querysub.maxRequestSize}, checked by the connection (1009). The
 * annotation's {@link #MAX_FRAME} is a ceiling the container enforces before any of our code runs,
 * because an annotation cannot read configuration.
 */
@ServerEndpoint("/sync")
public class SyncEndpoint {
  /** The container's own frame ceiling: 16 MiB (the default {@code querysub.maxRequestSize}). */
  public static final int MAX_FRAME = 16 * 1024 * 1024;

  private static final Logger LOG = Logger.getLogger(SyncEndpoint.class.getName());
  private static final String CONNECTION = "querysub.connection";

  @Inject SyncService sync;

  @OnOpen
  public void open(Session session) {
    // The idle timeout is SyncService's own sweep: the container's timer is restarted without
    // atomicity and closed a live session in the leak test. With it off, its per-frame restart is
    // dead work that costs a managed-executor task per frame: bypassed.
    ContainerIdleTimer.bypass(session);
    session.getUserProperties().put(CONNECTION, sync.open(session));
  }

  @OnMessage(maxMessageSize = MAX_FRAME)
  public void message(String text, Session session) {
    Connection c = connection(session);
    if (c != null) {
      c.onText(text);
    }
  }

  @OnClose
  public void close(Session session, CloseReason reason) {
    Connection c = connection(session);
    if (c != null) {
      sync.closed(c);
    }
  }

  @OnError
  public void error(Session session, Throwable t) {
    LOG.log(Level.FINE, "sync session " + session.getId() + " failed", t);
    Connection c = connection(session);
    if (c != null) {
      sync.closed(c);
    }
  }

  private static Connection connection(Session session) {
    return (Connection) session.getUserProperties().get(CONNECTION);
  }
}
