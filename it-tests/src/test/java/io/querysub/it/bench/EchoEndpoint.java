package io.querysub.it.bench;

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
   * No container idle timer, as {@code /sync} does: Tyrus reschedules that timer on a managed
   * executor for every frame in and out, which costs more than the echo itself on Payara.
   */
  @OnOpen
  public void open(Session session) {
    session.setMaxIdleTimeout(0);
  }

  @OnMessage
  public String echo(String text) {
    return text;
  }
}
