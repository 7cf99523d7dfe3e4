package io.querysub.it;

import io.querysub.websocket.client.Batch;
import io.querysub.websocket.client.ServerError;
import io.querysub.websocket.client.Snapshot;
import io.querysub.websocket.client.SyncClient;
import io.querysub.websocket.client.WatchListener;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Helpers for the {@code /sync} tests: connecting the Java client and recording what arrives. */
final class Sync {
  private Sync() {}

  static URI uri(URL base) {
    String s = base.toExternalForm();
    return URI.create((s.endsWith("/") ? s : s + "/").replaceFirst("^http", "ws") + "sync");
  }

  static SyncClient connect(URL base, String clientId) {
    return SyncClient.connect(uri(base), clientId, Duration.ofSeconds(20));
  }

  /** A watch listener that keeps everything, in arrival order. */
  static final class Recorder implements WatchListener {
    final List<Snapshot> snapshots = new CopyOnWriteArrayList<>();
    final List<Batch> batches = new CopyOnWriteArrayList<>();
    final List<ServerError> errors = new CopyOnWriteArrayList<>();
    volatile boolean coalesced;

    @Override
    public void snapshot(Snapshot s) {
      snapshots.add(s);
    }

    @Override
    public void changes(List<Batch> b, boolean coalesced) {
      batches.addAll(b);
      this.coalesced |= coalesced;
    }

    @Override
    public void error(ServerError e) {
      errors.add(e);
    }

    /** The newest version this watch has seen: its snapshot's or its last batch's. */
    String lastVersion() {
      if (!batches.isEmpty()) {
        return batches.get(batches.size() - 1).version();
      }
      return snapshots.get(snapshots.size() - 1).version();
    }
  }

  /** Every raw frame a client receives, to wait for the answer to a frame sent as text. */
  static final class Frames {
    final BlockingQueue<String> queue = new LinkedBlockingQueue<>();

    Frames(SyncClient c) {
      c.onFrame(queue::add);
    }

    /** The next frame of {@code type}, skipping others; fails after 20 s. */
    JsonObject next(String type) {
      List<String> skipped = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        String f;
        try {
          f = queue.poll(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
        if (f == null) {
          continue;
        }
        JsonObject o = parse(f);
        if (o.getString("type").equals(type)) {
          return o;
        }
        skipped.add(f);
      }
      throw new AssertionError("no " + type + " frame within 20 s; skipped " + skipped);
    }
  }

  /** A bare WebSocket client that keeps every frame as it came (arrays included). */
  static final class Raw implements AutoCloseable {
    final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final Session session;

    Raw(URL base) throws Exception {
      session =
          ContainerProvider.getWebSocketContainer()
              .connectToServer(
                  new Endpoint() {
                    @Override
                    public void onOpen(Session s, EndpointConfig config) {
                      s.addMessageHandler(String.class, (MessageHandler.Whole<String>) frames::add);
                    }
                  },
                  ClientEndpointConfig.Builder.create().build(),
                  uri(base));
    }

    void send(String frame) throws Exception {
      session.getBasicRemote().sendText(frame);
    }

    /** The next frame as it came; fails after 20 s. */
    String next() throws InterruptedException {
      String f = frames.poll(20, TimeUnit.SECONDS);
      if (f == null) {
        throw new AssertionError("no frame within 20 s");
      }
      return f;
    }

    @Override
    public void close() throws Exception {
      session.close();
    }
  }

  /** The messages of a frame: its elements when it is an array, else the frame itself. */
  static List<JsonObject> messages(String frame) {
    try (JsonReader r = Json.createReader(new StringReader(frame))) {
      JsonValue v = r.readValue();
      return v instanceof JsonArray a ? a.getValuesAs(JsonObject.class) : List.of(v.asJsonObject());
    }
  }

  static JsonObject parse(String text) {
    try (JsonReader r = Json.createReader(new StringReader(text))) {
      return r.readObject();
    }
  }
}
