package io.querysub.websocket.client;

/**
 * A commit's answer: {@code valid} with the version its writes got, or {@code rejected} with the
 * lock that broke ({@code conflict}); nothing of a rejected commit was stored.
 */
public record CommitResult(String status, String version, Conflict conflict) {
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
