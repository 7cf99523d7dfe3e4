package io.querysub.websocket.client;

import jakarta.json.JsonValue;

/** One path's value ({@code null} when absent: never written, or deleted) and its version. */
public record Entry(String path, JsonValue value, String version) {
  public boolean exists() {
    return value != null;
  }
}
