package io.querysub.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small HTTP client for the REST API; paths are passed as they go into the URL (encoded). */
final class Api {
  /** One answer: status, body text, and the body as JSON when it is an object. */
  record Reply(int status, String text, String contentType) {
    JsonObject json() {
      try (JsonReader r = Json.createReader(new StringReader(text))) {
        return r.readObject();
      }
    }

    String code() {
      return json().getString("code");
    }

    String version() {
      return json().getString("version");
    }

    @Override
    public String toString() {
      return status + " " + text;
    }
  }

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final URI base;

  Api(URL base) {
    String s = base.toExternalForm();
    this.base = URI.create(s.endsWith("/") ? s : s + "/");
  }

  /** The server's root (health endpoints live there, not under the application). */
  URI server() {
    return base.resolve("/");
  }

  Reply get(String rawPath) {
    return send("GET", "api/v1/data" + rawPath, null);
  }

  Reply put(String rawPath, String json) {
    return send("PUT", "api/v1/data" + rawPath, json);
  }

  Reply delete(String rawPath) {
    return send("DELETE", "api/v1/data" + rawPath, null);
  }

  Reply children(String rawPathAndQuery) {
    return send("GET", "api/v1/children" + rawPathAndQuery, null);
  }

  Reply tx(String json) {
    return send("POST", "api/v1/tx", json);
  }

  Reply send(String method, String relative, String body) {
    // Concatenated, not resolved: URI.resolve would normalize '..' away before the server sees it.
    return send(method, URI.create(base + relative), body);
  }

  Reply send(String method, URI uri, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + uri + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static String quote(String s) {
    return Json.createValue(s).toString();
  }
}
