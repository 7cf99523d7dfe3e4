package io.querysub.websocket.client;

/** When the server answers a commit or a call. */
public enum AnswerWhen {
  /**
   * As soon as it is applied (visible to readers), before it is on disk; the result's {@code
   * durable()} completes when the server's {@code durable} notice follows.
   */
  APPLIED,
  /**
   * Only once it is durable in the server's write-ahead log (the request says {@code "durable":
   * true}): the answer itself means durable, and its {@code durable()} is already complete.
   */
  DURABLE
}
