package io.querysub.it.bench;

import io.querysub.websocket.internal.ContainerIdleTimer;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;

/**
 * A bare echo that the project's Java client can drive: it answers {@code hello} with a {@code
 * welcome} and every other request with {@code {"type":"result","id":<its id>,"status":"valid"}}
 * followed by that request's {@code durable} notice, without parsing JSON, storing or checking
 * anything. So {@code SyncClient} runs against it exactly as against {@code /sync}, and the
 * difference between the two is the node's own work. Packaged into {@code echo.war} by {@link
 * PayaraNode}, at {@code /echo/sync-echo}.
 */
@ServerEndpoint("/sync-echo")
public class ProtocolEchoEndpoint {
  private static final String WELCOME =
      "{\"type\":\"welcome\",\"protocol\":\"v1\",\"session\":\"echo\",\"limits\":{\"maxBatch\":1,"
          + "\"maxMessageSize\":16777216,\"idleTimeoutSeconds\":0}}";

  @OnOpen
  public void open(Session session) {
    ContainerIdleTimer.bypass(session); // as /sync and the plain echo do
  }

  @OnMessage
  public void answer(String text, Session session) throws IOException {
    if (text.contains("\"hello\"")) {
      session.getBasicRemote().sendText(WELCOME);
      return;
    }
    int at = text.indexOf("\"id\":") + 5;
    int end = at;
    while (end < text.length() && Character.isDigit(text.charAt(end))) {
      end++;
    }
    String id = text.substring(at, end);
    session
        .getBasicRemote()
        .sendText(
            "{\"type\":\"result\",\"id\":" + id + ",\"status\":\"valid\",\"version\":\"1.0.1\"}");
    // As /sync: a valid result is followed by its durable notice (else the client keeps waiting).
    session
        .getBasicRemote()
        .sendText("{\"type\":\"durable\",\"id\":" + id + ",\"version\":\"1.0.1\"}");
  }
}
