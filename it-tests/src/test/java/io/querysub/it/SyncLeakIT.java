package io.querysub.it;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.querysub.websocket.client.SyncClient;
import io.querysub.websocket.protocol.WatchKind;
import io.querysub.websocket.protocol.WatchMode;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 500 connect/disconnect cycles, each opening watches and leaving in a random way (unwatching
 * first, closing with watches open, closing while a watch is starting), leave no connection and no
 * watch behind, as the {@code querysub-sync} readiness check reports.
 */
@ExtendWith(ArquillianExtension.class)
class SyncLeakIT {
  @Deployment(testable = false)
  static WebArchive deployment() {
    return Node.war();
  }

  @ArquillianResource URL base;

  private int retried;
  private String firstFailure;

  @Test
  void connectDisconnectCyclesLeaveNoWatches() throws IOException {
    long seed = Long.getLong("it.seed", System.nanoTime());
    System.out.println("SyncLeakIT seed=" + seed);
    Random random = new Random(seed);
    Api api = new Api(base);
    api.put("/leak/a", "1");
    int cycles = 500;
    int[] ways = new int[3];
    for (int i = 0; i < cycles; i++) {
      SyncClient c = connect(i);
      Sync.Recorder r = new Sync.Recorder();
      SyncClient.ClientWatch w = c.watch(WatchKind.PATH, "/leak/a", WatchMode.LATEST, null, r);
      c.watch(WatchKind.CHILDREN, "/leak", WatchMode.LATEST, null, new Sync.Recorder());
      int way = random.nextInt(3);
      ways[way]++;
      if (way == 0) {
        c.ping().join();
        w.close();
        c.ping().join();
      } else if (way == 1) {
        c.ping().join(); // both watches open
      } // way 2: close at once, the watches may still be starting
      c.close();
      if (i % 50 == 0) {
        api.put("/leak/a", Integer.toString(i)); // changes for whatever is still watching
      }
    }
    // Clients that vanish: a raw socket that says hello, watches, and then never speaks again nor
    // closes (as a killed laptop would); the idle timeout (10 s in these tests) must end them.
    List<Socket> vanished = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      vanished.add(vanish(Sync.uri(base)));
    }
    System.out.println(
        "SyncLeakIT: "
            + cycles
            + " cycles (unwatch first "
            + ways[0]
            + ", close with watches "
            + ways[1]
            + ", close at once "
            + ways[2]
            + "), 5 vanished clients, connects retried "
            + retried);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              JsonObject data = syncHealth(api);
              assertThat(number(data, "connections")).as(data.toString()).isZero();
              assertThat(number(data, "connectionWatches")).as(data.toString()).isZero();
              assertThat(number(data, "watchCount")).as(data.toString()).isZero();
            });
    for (Socket s : vanished) {
      s.close();
    }
    assertThat(firstFailure).as("a connect that failed (retried %d)", retried).isNull();
  }

  /**
   * Connects cycle {@code i}'s client. A connect that fails prints thread dumps and is tried once
   * more, so the cycles and the leak check still run (a second failure in a row fails at once); the
   * test then fails on the first failure ({@link #firstFailure}), since every connect must succeed.
   */
  private SyncClient connect(int i) {
    try {
      return Sync.connect(base, "it-leak-" + i);
    } catch (RuntimeException e) {
      String waiting = ThreadDumps.print("SyncLeakIT cycle " + i + ": " + e);
      retried++;
      if (firstFailure == null) {
        firstFailure = "cycle " + i + ": " + e + "; " + waiting;
      }
      try {
        return Sync.connect(base, "it-leak-" + i + "-again");
      } catch (RuntimeException again) {
        throw new AssertionError(
            "cycle " + i + ": connect failed twice (" + again + "); " + waiting, again);
      }
    }
  }

  /** Opens a WebSocket by hand, says hello and watches, then goes silent with the socket open. */
  private static Socket vanish(URI ws) throws IOException {
    Socket s = new Socket(ws.getHost(), ws.getPort());
    s.setSoTimeout(20_000);
    String key = Base64.getEncoder().encodeToString("querysub-vanish!".getBytes(US_ASCII));
    String head =
        "GET "
            + ws.getRawPath()
            + " HTTP/1.1\r\nHost: "
            + ws.getHost()
            + ":"
            + ws.getPort()
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
            + key
            + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    OutputStream out = s.getOutputStream();
    out.write(head.getBytes(US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    StringBuilder response = new StringBuilder();
    while (!response.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      response.append((char) b);
    }
    assertThat(response.toString()).startsWith("HTTP/1.1 101");
    frame(out, "{\"type\":\"hello\",\"protocol\":\"v1\"}");
    frame(out, "{\"type\":\"watch\",\"id\":1,\"kind\":\"path\",\"path\":\"/leak/a\"}");
    return s;
  }

  /** One masked text frame, as a client must send it. */
  private static void frame(OutputStream out, String text) throws IOException {
    byte[] payload = text.getBytes(UTF_8);
    assertThat(payload.length).isLessThan(126);
    byte[] mask = {1, 2, 3, 4};
    out.write(0x81);
    out.write(0x80 | payload.length);
    out.write(mask);
    for (int i = 0; i < payload.length; i++) {
      out.write(payload[i] ^ mask[i % 4]);
    }
    out.flush();
  }

  /** A health data field: MicroProfile Health may render numbers as strings. */
  static long number(JsonObject data, String field) {
    JsonValue v = data.get(field);
    assertThat(v).as(field + " in " + data).isNotNull();
    return v instanceof jakarta.json.JsonNumber n
        ? n.longValue()
        : Long.parseLong(((jakarta.json.JsonString) v).getString());
  }

  static JsonObject syncHealth(Api api) {
    Api.Reply r = api.send("GET", api.server().resolve("health/ready"), null);
    for (JsonValue v : r.json().getJsonArray("checks")) {
      JsonObject check = v.asJsonObject();
      if (check.getString("name").equals("querysub-sync")) {
        assertThat(check.getString("status")).isEqualTo("UP");
        return check.getJsonObject("data");
      }
    }
    throw new AssertionError("no querysub-sync check in " + r);
  }
}
