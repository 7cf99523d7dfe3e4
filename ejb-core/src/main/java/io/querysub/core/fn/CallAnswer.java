package io.querysub.core.fn;

import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.store.CommitJournal;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A call's outcome as soon as it is known (an {@code OK} call: once its commit is applied, visible
 * to readers but not yet on disk), and when that commit is durable.
 *
 * @param durable completes once the commit of an {@code OK} outcome (the function's writes and the
 *     call's record), or the stored record of a {@code FAILED} one, is in the write-ahead log on
 *     disk, or completes exceptionally when the log failed first (the call is applied in memory but
 *     may be lost on restart). For an outcome that stored nothing (a refused call) it is complete
 *     at once. It may complete on the log's own thread: hand the work on, do not do it there.
 */
public record CallAnswer(CallOutcome outcome, CompletableFuture<Void> durable) {
  /** An outcome that applied nothing: durable at once. */
  static CallAnswer settled(CallOutcome outcome) {
    return new CallAnswer(outcome, CommitJournal.DONE);
  }

  /**
   * The outcome once it is durable, completed on {@code executor} when it had to wait (never on the
   * log's thread): the outcome itself, or, when the log failed first, a {@code FAILED} outcome with
   * {@code UNAVAILABLE}. Answers that promise durability (REST) are sent from this.
   */
  public CompletableFuture<CallOutcome> whenDurable(Executor executor) {
    if (durable.isDone() && !durable.isCompletedExceptionally()) {
      return CompletableFuture.completedFuture(outcome);
    }
    CompletableFuture<CallOutcome> out = new CompletableFuture<>();
    durable.whenComplete(
        (v, e) -> {
          if (e != null) {
            out.complete(
                CallOutcome.failed(
                    outcome.callId(),
                    outcome.function(),
                    ErrorCode.UNAVAILABLE,
                    "the call ran, but the write-ahead log failed before it was durable",
                    List.of(),
                    outcome.attempts()));
            return;
          }
          try {
            executor.execute(() -> out.complete(outcome));
          } catch (RejectedExecutionException stopping) {
            out.complete(outcome);
          }
        });
    return out;
  }
}
