package io.querysub.it.bench;

import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;

/**
 * A bare echo: the cost of one frame in and one frame out on Payara's WebSocket stack, the ceiling
 * for {@code /sync} throughput. Packaged alone into {@code echo.war} by {@link PayaraNode}.
 */
@ServerEndpoint("/echo")
public class EchoEndpoint {
  @OnMessage
  public String echo(String text) {
    return text;
  }
}
