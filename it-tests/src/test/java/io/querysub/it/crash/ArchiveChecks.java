package io.querysub.it.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.querysub.engine.version.Version;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** What the integration tests read from a node of their own: JSON, and its archive's readiness. */
public final class ArchiveChecks {
  private ArchiveChecks() {}

  /** The data of the {@code querysub-archive} readiness check (which must be UP). */
  public static JsonObject archiveCheck(HttpClient http, MicroProcess n) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(n.uri("/health/ready")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    for (var c : json(r.body()).getJsonArray("checks")) {
      JsonObject o = c.asJsonObject();
      if (o.getString("name").equals("querysub-archive")) {
        assertThat(o.getString("status")).isEqualTo("UP");
        return o.getJsonObject("data");
      }
    }
    throw new AssertionError("no querysub-archive check in " + r.body());
  }

  /** Waits until the archive holds every golden write up to {@code v}. */
  public static void awaitArchived(HttpClient http, MicroProcess n, Version v) throws Exception {
    String last = "";
    for (int i = 0; i < 300; i++) {
      JsonObject d = archiveCheck(http, n);
      last = d.toString();
      if (d.getString("state").equals("ok")
          && Version.parse(d.getString("archivedUpTo")).compareTo(v) >= 0
          && number(d, "pendingWrites") == 0) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the archive did not reach " + v + "; last: " + last);
  }

  /** A number of a health check's data, which Payara renders as a JSON number or string. */
  public static long number(JsonObject data, String key) {
    var v = data.get(key);
    return v instanceof jakarta.json.JsonNumber n
        ? n.longValue()
        : Long.parseLong(data.getString(key));
  }

  public static JsonObject json(String text) {
    try (var r = Json.createReader(new StringReader(text))) {
      return r.readObject();
    }
  }
}
