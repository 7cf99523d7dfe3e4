package io.querysub.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small HTTP client for the REST API; paths are passed as they go into the URL (encoded). */
final class Api {
  /** One answer: status, body text, and the body as JSON when it is an object. */
  record Reply(int status, String text, String contentType, String uri) {
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
  private final String token; // sent as Authorization: Bearer, or null

  Api(URL base) {
    this(base, null);
  }

  /** Sends {@code token} as the bearer token of every request (null: none). */
  Api(URL base, String token) {
    String s = base.toExternalForm();
    this.base = URI.create(s.endsWith("/") ? s : s + "/");
    this.token = token;
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
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
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
      return new Reply(
          r.statusCode(),
          r.body(),
          r.headers().firstValue("Content-Type").orElse(""),
          r.uri().toString());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + uri + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Sends a body of unknown length (chunked transfer encoding). */
  Reply sendChunked(String method, String relative, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(base + relative))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .method(
                method,
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
            .build();
    try {
      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
      return new Reply(
          r.statusCode(),
          r.body(),
          r.headers().firstValue("Content-Type").orElse(""),
          r.uri().toString());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + relative + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Sends only the head of a request declaring a body of {@code length} bytes, then reads the
   * answer: shows the server refuses by the declared length without waiting for the body.
   */
  Reply declaredLengthOnly(String method, String relative, long length) {
    URI uri = URI.create(base + relative);
    try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
      s.setSoTimeout(30_000);
      String head =
          method
              + " "
              + uri.getRawPath()
              + " HTTP/1.1\r\nHost: "
              + uri.getHost()
              + ":"
              + uri.getPort()
              + "\r\nContent-Type: application/json\r\nContent-Length: "
              + length
              + "\r\n\r\n";
      s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      int status = Integer.parseInt(in.readLine().split(" ")[1]);
      String contentType = "";
      int contentLength = -1;
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        String lower = line.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("content-type:")) {
          contentType = line.substring(13).trim();
        } else if (lower.startsWith("content-length:")) {
          contentLength = Integer.parseInt(line.substring(15).trim());
        }
      }
      char[] body = new char[Math.max(contentLength, 0)];
      int n = 0;
      while (n < body.length) {
        int r = in.read(body, n, body.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      return new Reply(status, new String(body, 0, n), contentType, uri.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + relative + " failed", e);
    }
  }

  static String quote(String s) {
    return Json.createValue(s).toString();
  }
}
