package io.querysub.websocket.internal;

import io.querysub.core.auth.Caller;
import io.querysub.core.fn.CallAnswer;
import jakarta.json.JsonValue;
import java.util.concurrent.CompletableFuture;

/** Where a connection's {@code call} requests go: the node's server functions. */
@FunctionalInterface
public interface Calls {
  /**
   * Calls {@code function}; the future completes with the outcome as soon as it is known (before
   * the call's commit is durable: {@link CallAnswer#durable} tells when), never exceptionally.
   */
  CompletableFuture<CallAnswer> call(String function, String callId, JsonValue args, Caller caller);
}
