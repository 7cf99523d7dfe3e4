package io.querysub.websocket.client;

import jakarta.json.JsonArray;
import jakarta.json.JsonValue;
import java.util.concurrent.CompletableFuture;

/**
 * A server function call's outcome: {@code ok} with the function's {@code result} and the {@code
 * version} of its writes, or {@code failed} with an error {@code code} and {@code message} (and,
 * for {@code INVALID_ARGUMENT}, the bad {@code fields}); nothing of a failed call was applied.
 *
 * @param durable for an {@code ok} call, completes once the call's commit (its writes and its
 *     record) is durable in the server's write-ahead log, as {@link CommitResult#durable} does for
 *     a commit; complete at once for any other outcome and for a call answered with {@link
 *     AnswerWhen#DURABLE}
 */
public record CallResult(
    String callId,
    String status,
    JsonValue result,
    String version,
    String code,
    String message,
    JsonArray fields,
    int attempts,
    CompletableFuture<Void> durable) {
  public boolean ok() {
    return "ok".equals(status);
  }
}
