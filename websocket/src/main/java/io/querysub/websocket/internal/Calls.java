package io.querysub.websocket.internal;

import io.querysub.core.fn.CallOutcome;
import jakarta.json.JsonValue;
import java.util.concurrent.CompletableFuture;

/** Where a connection's {@code call} requests go: the node's server functions. */
@FunctionalInterface
public interface Calls {
  /** Calls {@code function}; the future completes with the outcome, never exceptionally. */
  CompletableFuture<CallOutcome> call(
      String function, String callId, JsonValue args, String caller);
}
