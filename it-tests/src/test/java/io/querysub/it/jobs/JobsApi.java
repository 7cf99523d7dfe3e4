package io.querysub.it.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.querysub.it.crash.ArchiveChecks;
import io.querysub.it.crash.MicroProcess;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** REST calls to one node: data, sign-in, jobs. */
final class JobsApi {
  static final Set<String> ENDED = Set.of("COMPLETED", "FAILED", "STOPPED", "ABANDONED");

  final MicroProcess node;
  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  JobsApi(MicroProcess node) {
    this.node = node;
  }

  record Answer(int status, String body) {
    JsonObject json() {
      return JobsApi.json(body);
    }
  }

  Answer send(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(node.uri(path))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("content-type", "application/json");
    if (token != null) {
      b.header("authorization", "Bearer " + token);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.body());
  }

  String signIn(String name, String... roles) throws Exception {
    StringBuilder rs = new StringBuilder();
    for (String r : roles) {
      rs.append(rs.isEmpty() ? "" : ",").append('"').append(r).append('"');
    }
    Answer a =
        send(
            "POST",
            "/api/v1/auth/dev-sign-in",
            null,
            "{\"name\":\"" + name + "\",\"roles\":[" + rs + "]}");
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    return a.json().getString("token");
  }

  /** Writes a JSON value; returns its version. */
  String put(String path, String json) throws Exception {
    Answer a = send("PUT", "/api/v1/data" + path, null, json);
    assertThat(a.status()).as("PUT %s: %s", path, a.body()).isEqualTo(200);
    return a.json().getString("version");
  }

  void delete(String path) throws Exception {
    Answer a = send("DELETE", "/api/v1/data" + path, null, null);
    assertThat(a.status()).as("DELETE %s: %s", path, a.body()).isEqualTo(200);
  }

  /** The value at {@code path}, or null when there is none. */
  JsonValue get(String path) throws Exception {
    Answer a = send("GET", "/api/v1/data" + path, null, null);
    if (a.status() == 404) {
      return null;
    }
    assertThat(a.status()).as("GET %s: %s", path, a.body()).isEqualTo(200);
    return a.json().get("value");
  }

  /** Starts a job; returns its status. */
  JsonObject start(String token, String job, String params) throws Exception {
    Answer a = send("POST", "/api/v1/jobs/" + job, token, params);
    assertThat(a.status()).as("start %s: %s", job, a.body()).isEqualTo(202);
    return a.json();
  }

  JsonObject job(String token, long id) throws Exception {
    Answer a = send("GET", "/api/v1/jobs/" + id, token, null);
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    return a.json();
  }

  List<JsonObject> jobs(String token, String query) throws Exception {
    Answer a = send("GET", "/api/v1/jobs" + query, token, null);
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    try (var r = Json.createReader(new StringReader(a.body()))) {
      return r.readArray().getValuesAs(JsonObject.class);
    }
  }

  /** Waits until execution {@code id} ended; returns its last status. */
  JsonObject awaitEnd(String token, long id) throws Exception {
    JsonObject j = null;
    for (int i = 0; i < 1200; i++) {
      j = job(token, id);
      if (ENDED.contains(j.getString("status"))) {
        return j;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("job " + id + " did not end: " + j);
  }

  /** Waits until execution {@code id} has done at least {@code items} items; returns its status. */
  JsonObject awaitItems(String token, long id, long items) throws Exception {
    JsonObject j = job(token, id);
    for (int i = 0; i < 800; i++) {
      if (j.containsKey("progress")
          && j.getJsonObject("progress").getJsonNumber("itemsDone").longValue() >= items) {
        return j;
      }
      Thread.sleep(25);
      j = job(token, id);
    }
    throw new AssertionError("job " + id + " did not reach " + items + " items: " + j);
  }

  /** Runs a job to its end and checks it completed; returns its status. */
  JsonObject run(String token, String job, String params) throws Exception {
    JsonObject j = awaitEnd(token, start(token, job, params).getJsonNumber("id").longValue());
    assertThat(j.getString("status")).as("%s: %s", job, j).isEqualTo("COMPLETED");
    return j;
  }

  /** Waits until the archive holds every golden write up to {@code version}. */
  void awaitArchived(String version) throws Exception {
    ArchiveChecks.awaitArchived(http, node, io.querysub.engine.version.Version.parse(version));
  }

  static long metric(JsonObject job, String name) {
    return job.getJsonArray("steps")
        .getJsonObject(0)
        .getJsonObject("metrics")
        .getJsonNumber(name)
        .longValue();
  }

  static JsonObject json(String text) {
    return ArchiveChecks.json(text);
  }
}
