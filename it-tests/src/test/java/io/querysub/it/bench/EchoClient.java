package io.querysub.it.bench;

import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * A raw client of {@code /echo} on the same stack as {@code SyncClient}: the Jakarta WebSocket
 * client API on Tyrus, frames built and parsed with JSON-P, sent through the basic remote under a
 * lock. The echo keeps order, so answers match requests first in, first out.
 */
final class EchoClient implements AutoCloseable {
  private static final JsonProvider JSON = JsonProvider.provider(); // as SyncClient does
  private static WebSocketContainer container;

  // Sends hold the client's lock (one frame at a time, queued in send order); the receiving thread
  // only takes the queue's own lock, so it never waits for a send.
  private final ArrayDeque<CompletableFuture<JsonObject>> inFlight = new ArrayDeque<>();
  private volatile Session session;
  private long ids;

  private EchoClient() {}

  private static synchronized WebSocketContainer container() {
    if (container == null) {
      container = ContainerProvider.getWebSocketContainer();
    }
    return container;
  }

  static EchoClient connect(URI uri) throws Exception {
    EchoClient c = new EchoClient();
    container()
        .connectToServer(
            new Endpoint() {
              @Override
              public void onOpen(Session s, EndpointConfig config) {
                c.session = s;
                s.addMessageHandler(String.class, (MessageHandler.Whole<String>) c::received);
              }
            },
            ClientEndpointConfig.Builder.create().build(),
            uri);
    return c;
  }

  /**
   * Sends a frame shaped and sized like a one-write commit ({@code value} is its number) and
   * completes with the parsed echo.
   */
  CompletableFuture<JsonObject> send(String path, long value) {
    CompletableFuture<JsonObject> f = new CompletableFuture<>();
    synchronized (this) {
      String text =
          JSON.createObjectBuilder()
              .add("reads", JSON.createArrayBuilder())
              .add("childReads", JSON.createArrayBuilder())
              .add(
                  "writes",
                  JSON.createArrayBuilder()
                      .add(JSON.createObjectBuilder().add("path", path).add("value", value)))
              .add("type", "commit")
              .add("id", ++ids)
              .build()
              .toString();
      synchronized (inFlight) {
        inFlight.add(f);
      }
      try {
        session.getBasicRemote().sendText(text);
      } catch (IOException e) {
        f.completeExceptionally(e); // the connection is broken: nothing more is answered
      }
    }
    return f;
  }

  private void received(String text) {
    JsonObject o;
    try (JsonReader r = JSON.createReader(new StringReader(text))) {
      o = r.readObject();
    }
    CompletableFuture<JsonObject> f;
    synchronized (inFlight) {
      f = inFlight.poll();
    }
    if (f != null) {
      f.complete(o);
    }
  }

  @Override
  public void close() throws IOException {
    if (session != null && session.isOpen()) {
      session.close();
    }
  }
}
