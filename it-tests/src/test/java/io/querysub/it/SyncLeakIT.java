package io.querysub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.querysub.websocket.client.SyncClient;
import io.querysub.websocket.protocol.WatchKind;
import io.querysub.websocket.protocol.WatchMode;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URL;
import java.time.Duration;
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

  @Test
  void connectDisconnectCyclesLeaveNoWatches() {
    long seed = Long.getLong("it.seed", System.nanoTime());
    System.out.println("SyncLeakIT seed=" + seed);
    Random random = new Random(seed);
    Api api = new Api(base);
    api.put("/leak/a", "1");
    int cycles = 500;
    int[] ways = new int[3];
    for (int i = 0; i < cycles; i++) {
      SyncClient c = Sync.connect(base, "it-leak-" + i);
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
    System.out.println(
        "SyncLeakIT: "
            + cycles
            + " cycles (unwatch first "
            + ways[0]
            + ", close with watches "
            + ways[1]
            + ", close at once "
            + ways[2]
            + ")");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonObject data = syncHealth(api);
              assertThat(data.getInt("connections")).as(data.toString()).isZero();
              assertThat(data.getInt("watchCount")).as(data.toString()).isZero();
            });
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
