package io.querysub.websocket.client;

import java.util.concurrent.CompletableFuture;

/**
 * A commit that was sent: its request id (which later commits of the same client may lock on with
 * {@link Tx#readAfter}) and its answer, once it comes.
 */
public record PendingCommit(String id, CompletableFuture<CommitResult> result) {}
