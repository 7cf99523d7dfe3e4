package io.querysub.it.bench;

import io.querysub.websocket.internal.ContainerIdleTimer;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;

/**
 * A bare echo: the cost of one frame in and one frame out on Payara's WebSocket stack, the ceiling
 * for {@code /sync} throughput. Packaged alone into {@code echo.war} by {@link PayaraNode}.
 */
@ServerEndpoint("/echo")
public class EchoEndpoint {
  /**
   * No container idle timer and no per-frame restart of it, as {@code /sync} does: Tyrus
   * reschedules that timer on a managed executor for every frame in and out, which costs more than
   * the echo itself on Payara. Set {@code -Dbench.echoIdleTimer=managed} on the node to keep the
   * restart (the echo as it was measured before the bypass).
   */
  @OnOpen
  public void open(Session session) {
    if ("managed".equals(System.getProperty("bench.echoIdleTimer"))) {
      session.setMaxIdleTimeout(0);
    } else {
      ContainerIdleTimer.bypass(session);
    }
  }

  @OnMessage
  public String echo(String text) {
    return text;
  }
}
