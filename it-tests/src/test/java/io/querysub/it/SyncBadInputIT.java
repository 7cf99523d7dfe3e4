package io.querysub.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.querysub.websocket.client.SyncClient;
import io.querysub.websocket.client.SyncException;
import io.querysub.websocket.client.Tx;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import java.net.URL;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every bad input on {@code /sync} gets an {@code error} frame with its stable code and the
 * connection stays usable; only an oversize frame closes it (1009). Limits come from the it-tests
 * settings: frames up to 256 KiB, values up to 64 KiB, 20 watches a connection, 500 requests a
 * second, subtrees of 200 values.
 */
@ExtendWith(ArquillianExtension.class)
class SyncBadInputIT {
  @Deployment(testable = false)
  static WebArchive deployment() {
    return Node.war();
  }

  @ArquillianResource URL base;

  /** Sends {@code frame}, expects an error with {@code code}, then checks the connection works. */
  private static JsonObject refused(SyncClient c, Sync.Frames frames, String frame, String code)
      throws Exception {
    c.sendRaw(frame);
    JsonObject e = frames.next("error");
    assertThat(e.getString("code")).as(frame + " -> " + e).isEqualTo(code);
    assertThat(e.getString("message")).isNotBlank();
    c.ping().get(20, TimeUnit.SECONDS);
    return e;
  }

  @Test
  void malformedFramesAndBadFieldsGetTheirCodes() throws Exception {
    try (SyncClient c = Sync.connect(base, "it-bad")) {
      Sync.Frames f = new Sync.Frames(c);
      refused(c, f, "{\"type\":\"ping\"", "BAD_REQUEST");
      refused(c, f, "not json at all", "BAD_REQUEST");
      refused(c, f, "[1]", "BAD_REQUEST"); // an array element that is not an object
      refused(c, f, "[]", "BAD_REQUEST");
      refused(c, f, "3", "BAD_REQUEST");
      assertThat(
              refused(c, f, "{\"type\":\"teleport\",\"id\":\"t1\"}", "BAD_REQUEST").getString("id"))
          .isEqualTo("t1");
      refused(c, f, "{\"type\":\"read\",\"id\":1,\"path\":\"/a\",\"extra\":true}", "BAD_REQUEST");
      refused(c, f, "{\"type\":\"read\",\"path\":\"/a\"}", "BAD_REQUEST");
      refused(c, f, "{\"type\":\"hello\",\"protocol\":\"v1\"}", "BAD_REQUEST"); // twice
      JsonObject path =
          refused(c, f, "{\"type\":\"read\",\"id\":2,\"path\":\"/a/../b\"}", "PATH_INVALID");
      assertThat(path.getInt("id")).isEqualTo(2);
      refused(c, f, "{\"type\":\"read\",\"id\":3,\"path\":\"/.sys/x\"}", "PATH_INVALID");
      refused(
          c, f, "{\"type\":\"watch\",\"id\":4,\"kind\":\"path\",\"path\":\"/\"}", "PATH_INVALID");
      refused(
          c,
          f,
          "{\"type\":\"watch\",\"id\":5,\"kind\":\"path\",\"path\":\"/a\",\"since\":\"yesterday\"}",
          "VERSION_INVALID");
      refused(
          c,
          f,
          "{\"type\":\"watch\",\"id\":6,\"kind\":\"subtree\",\"path\":\"/a\",\"mode\":\"history\"}",
          "NOT_SUPPORTED");
      refused(
          c,
          f,
          "{\"type\":\"commit\",\"id\":7,\"reads\":[{\"path\":\"/a\",\"version\":\"v1\"}]}",
          "VERSION_INVALID");
      refused(
          c,
          f,
          "{\"type\":\"commit\",\"id\":8,\"writes\":[{\"path\":\"/a\",\"value\":1},{\"path\":\"/a\",\"value\":2}]}",
          "BAD_REQUEST");
      String big = "\"" + "v".repeat(70 * 1024) + "\"";
      refused(
          c,
          f,
          "{\"type\":\"commit\",\"id\":9,\"writes\":[{\"path\":\"/a\",\"value\":" + big + "}]}",
          "VALUE_TOO_LARGE");
      refused(c, f, "{\"type\":\"unwatch\",\"id\":99}", "NOT_FOUND");
      assertThat(c.isOpen()).isTrue();
    }
  }

  @Test
  void theClientSurfacesRefusalsAsSyncExceptionsWithTheCode() {
    try (SyncClient c = Sync.connect(base, "it-bad-client")) {
      Throwable t = catchJoin(() -> c.read("/a/%2e%2e/b").join());
      assertThat(t).isInstanceOf(SyncException.class);
      assertThat(((SyncException) t).code()).isEqualTo("PATH_INVALID");
      Throwable tooMany =
          catchJoin(
              () -> {
                Tx tx = Tx.create();
                for (int i = 0; i < 101; i++) {
                  tx.set("/many/k" + i, i);
                }
                return c.commit(tx).join();
              });
      assertThat(((SyncException) tooMany).code()).isEqualTo("BAD_REQUEST");
    }
  }

  @Test
  void countLimitsAreRefusedWithLimitExceeded() throws Exception {
    try (SyncClient c = Sync.connect(base, "it-limits")) {
      Sync.Frames f = new Sync.Frames(c);
      for (int i = 1; i <= 20; i++) {
        c.sendRaw(
            "{\"type\":\"watch\",\"id\":" + i + ",\"kind\":\"path\",\"path\":\"/lim/w" + i + "\"}");
        f.next("snapshot");
      }
      refused(
          c,
          f,
          "{\"type\":\"watch\",\"id\":21,\"kind\":\"path\",\"path\":\"/lim/x\"}",
          "LIMIT_EXCEEDED");
      refused(
          c,
          f,
          "{\"type\":\"watch\",\"id\":5,\"kind\":\"path\",\"path\":\"/lim/x\"}",
          "BAD_REQUEST");
      for (int i = 1; i <= 20; i++) {
        c.sendRaw("{\"type\":\"unwatch\",\"id\":" + i + "}");
      }
      for (int batch = 0; batch < 3; batch++) {
        Tx tx = Tx.create();
        for (int i = 0; i < 70; i++) {
          tx.set("/big/k" + batch + "_" + i, i);
        }
        assertThat(c.commit(tx).join().valid()).isTrue();
      }
      JsonObject e =
          refused(
              c,
              f,
              "{\"type\":\"watch\",\"id\":30,\"kind\":\"subtree\",\"path\":\"/big\"}",
              "LIMIT_EXCEEDED");
      assertThat(e.getString("path")).isEqualTo("/big");
    }
  }

  @Test
  void aFloodIsAnsweredWithLimitExceededAndTheConnectionRecovers() throws Exception {
    try (SyncClient c = Sync.connect(base, "it-flood")) {
      Sync.Frames f = new Sync.Frames(c);
      int sent = 3000;
      for (int i = 0; i < sent; i++) {
        c.sendRaw("{\"type\":\"ping\",\"id\":" + i + "}");
      }
      int pongs = 0;
      int limited = 0;
      for (int i = 0; i < sent; i++) {
        String frame = f.queue.poll(20, TimeUnit.SECONDS);
        assertThat(frame).as("answer " + i + " of " + sent).isNotNull();
        JsonObject o = Sync.parse(frame);
        if (o.getString("type").equals("pong")) {
          pongs++;
        } else {
          assertThat(o.getString("code")).isEqualTo("LIMIT_EXCEEDED");
          assertThat(o.getInt("id")).isBetween(0, sent - 1);
          limited++;
        }
      }
      System.out.println(
          "SyncBadInputIT flood: " + sent + " pings, " + pongs + " pongs, " + limited + " refused");
      assertThat(limited).isPositive();
      assertThat(pongs).isGreaterThanOrEqualTo(500); // a second's worth at least
      Thread.sleep(1100); // the bucket refills
      c.ping().get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void aBadElementOfAnArrayFrameGetsItsOwnErrorAndTheOthersRun() throws Exception {
    try (SyncClient c = Sync.connect(base, "it-array")) {
      Sync.Frames f = new Sync.Frames(c);
      c.sendRaw(
          "[{\"type\":\"commit\",\"id\":1,\"writes\":[{\"path\":\"/arr/a\",\"value\":1}]},"
              + "{\"type\":\"teleport\",\"id\":2},"
              + "{\"type\":\"read\",\"id\":3,\"path\":\"/arr/../x\"},"
              + "\"not an object\","
              + "{\"type\":\"read\",\"id\":4,\"path\":\"/arr/a\"}]");
      JsonObject result = f.next("result");
      assertThat(result.getInt("id")).isEqualTo(1);
      assertThat(result.getString("status")).isEqualTo("valid");
      JsonObject teleport = f.next("error");
      assertThat(teleport.getInt("id")).isEqualTo(2);
      assertThat(teleport.getString("code")).isEqualTo("BAD_REQUEST");
      JsonObject path = f.next("error");
      assertThat(path.getInt("id")).isEqualTo(3);
      assertThat(path.getString("code")).isEqualTo("PATH_INVALID");
      JsonObject notObject = f.next("error");
      assertThat(notObject.containsKey("id")).isFalse();
      assertThat(notObject.getString("code")).isEqualTo("BAD_REQUEST");
      JsonObject read = f.next("snapshot");
      assertThat(read.getInt("id")).isEqualTo(4);
      assertThat(read.getJsonArray("entries").getJsonObject(0).getInt("value")).isEqualTo(1);
    }
  }

  @Test
  void anArrayFrameOverTheCapIsOneBadRequestAndNothingRuns() throws Exception {
    try (SyncClient c = Sync.connect(base, "it-array-cap")) {
      Sync.Frames f = new Sync.Frames(c);
      StringBuilder b = new StringBuilder("[");
      for (int i = 0; i <= 1000; i++) {
        b.append(i == 0 ? "" : ",")
            .append("{\"type\":\"commit\",\"id\":")
            .append(i)
            .append(",\"writes\":[{\"path\":\"/cap/a\",\"value\":1}]}");
      }
      JsonObject e = refused(c, f, b.append(']').toString(), "BAD_REQUEST");
      assertThat(e.getString("message")).contains("1 to 1000");
      assertThat(e.containsKey("id")).isFalse();
      assertThat(f.queue).allMatch(m -> m.contains("\"pong\"")); // no commit was answered
    }
    assertThat(new Api(base).get("/cap/a").status()).isEqualTo(404);
  }

  @Test
  void anOversizeFrameClosesWith1009() throws Exception {
    try (SyncClient c = Sync.connect(base, "it-oversize")) {
      String value = "\"" + "x".repeat(300 * 1024) + "\"";
      c.sendRaw(
          "{\"type\":\"commit\",\"id\":1,\"writes\":[{\"path\":\"/huge\",\"value\":"
              + value
              + "}]}");
      CloseReason reason = c.closed().get(20, TimeUnit.SECONDS);
      assertThat(reason.getCloseCode().getCode()).isEqualTo(1009);
    }
    assertThat(new Api(base).get("/huge").status()).isEqualTo(404);
  }

  private static Throwable catchJoin(java.util.concurrent.Callable<?> call) {
    try {
      call.call();
      return null;
    } catch (CompletionException e) {
      return e.getCause();
    } catch (Exception e) {
      return e;
    }
  }
}
