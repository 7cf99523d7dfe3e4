package io.querysub.websocket.client;

import jakarta.json.JsonArray;
import jakarta.json.JsonValue;

/**
 * A server function call's outcome: {@code ok} with the function's {@code result} and the {@code
 * version} of its writes, or {@code failed} with an error {@code code} and {@code message} (and,
 * for {@code INVALID_ARGUMENT}, the bad {@code fields}); nothing of a failed call was applied.
 */
public record CallResult(
    String callId,
    String status,
    JsonValue result,
    String version,
    String code,
    String message,
    JsonArray fields,
    int attempts) {
  public boolean ok() {
    return "ok".equals(status);
  }
}
