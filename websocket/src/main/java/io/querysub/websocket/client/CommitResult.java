package io.querysub.websocket.client;

import java.util.concurrent.CompletableFuture;

/**
 * A commit's answer: {@code valid} with the version its writes got, or {@code rejected} with the
 * lock that broke ({@code conflict}); nothing of a rejected commit was stored.
 *
 * @param durable completes once the commit is durable in the server's write-ahead log (the {@code
 *     durable} notice), at once for a rejected commit (nothing to store) or one answered with
 *     {@link AnswerWhen#DURABLE}; completes exceptionally with a {@link SyncException} when the
 *     server's log failed first (code {@code UNAVAILABLE}: the commit is applied but may be lost if
 *     the node restarts) or the connection ended before the notice came (durability unknown). It
 *     completes on the WebSocket client's thread.
 */
public record CommitResult(
    String status, String version, Conflict conflict, CompletableFuture<Void> durable) {
  /**
   * The broken lock: its path, the version that broke it, and whether it was a children lock. For a
   * lock that named an earlier commit ({@link Tx#readAfter}) which was rejected, {@code commit} is
   * that commit's request id and {@code version} is null.
   */
  public record Conflict(
      String path, String version, boolean children, String reason, String commit) {}

  public boolean valid() {
    return "valid".equals(status);
  }
}
