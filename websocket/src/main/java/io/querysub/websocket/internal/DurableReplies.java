package io.querysub.websocket.internal;

import io.querysub.core.fn.CallAnswer;
import io.querysub.core.fn.CallOutcome;
import io.querysub.engine.store.CommitResult;
import io.querysub.engine.version.Version;
import io.querysub.websocket.protocol.FrameWriter;
import io.querysub.websocket.protocol.WireCodes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A connection's answers to commits and calls, and the frames among them that wait for the
 * write-ahead log: the {@code durable} (or {@code notDurable}) notice that follows a {@code valid}
 * result or an {@code ok} call result, and the answer to a request that asked to be answered once
 * durable ({@code "durable": true}). What is sent when is the protocol's *Durability* section.
 *
 * <p>Threading: durability futures complete on the log's sync thread, which every commit of the
 * node waits on, so there this only adds the frame to a list and, if no flush is pending, hands one
 * flush to the executor (the connection's senders); it never sends or takes the outbound queue's
 * lock. A flush sends every frame that became ready meanwhile while holding the outbound sender, so
 * the notices one sync completes leave together, as one array frame when the client batches. A
 * future that is already complete is answered on the calling thread, with the answers around it.
 */
public final class DurableReplies {
  /** Runs a task after a delay (the node's notice timer; at once in tests). */
  @FunctionalInterface
  public interface Later {
    void run(Runnable task, long delayMillis);
  }

  /**
   * How long a {@code durable} notice may wait for the connection's next answer to ride along with,
   * before it is sent on its own. A busy connection's notices so cost no frame of their own; an
   * idle one's arrive at most this much after the sync.
   */
  public static final long NOTICE_DELAY_MILLIS = 20;

  private final Outbound out;
  private final Executor executor;
  private final Later later;

  private final Object lock = new Object();
  private List<String> ready = new ArrayList<>(); // guarded by lock
  private boolean flushQueued; // a flush is on the executor (guarded by lock)
  private boolean flushTimed; // a flush waits on the timer (guarded by lock)

  /** Notices are sent as soon as they are ready (no waiting for a next answer). */
  DurableReplies(Outbound out, Executor executor) {
    this(out, executor, (task, delay) -> executor.execute(task));
  }

  DurableReplies(Outbound out, Executor executor, Later later) {
    this(out, executor, later, NOTICE_DELAY_MILLIS);
  }

  DurableReplies(Outbound out, Executor executor, Later later, long delayMillis) {
    this.out = out;
    this.executor = executor;
    this.later = later;
    this.delayMillis = delayMillis;
  }

  private final long delayMillis;

  /**
   * Answers request {@code id}, a judged commit: its {@code result} now and a {@code durable}
   * notice once {@code whenDurable} completes; with {@code wait}, the result only then (or an
   * {@code UNAVAILABLE} error when the log failed first). A rejected commit stored nothing:
   * answered at once, with no notice.
   */
  void commit(
      String id, CommitResult result, boolean wait, Supplier<CompletableFuture<Void>> whenDurable) {
    drain();
    if (!result.isValid()) {
      out.send(FrameWriter.result(id, result));
      return;
    }
    Version v = result.version();
    if (wait) {
      after(
          whenDurable.get(),
          ignored -> FrameWriter.result(id, result),
          e -> FrameWriter.error(id, WireCodes.UNAVAILABLE, notDurable("commit", v, e), null));
      return;
    }
    out.send(FrameWriter.result(id, result));
    notice(id, "commit", v, whenDurable.get());
  }

  /**
   * Answers request {@code id}, a call whose outcome is known: its {@code callResult} now and, for
   * an {@code ok} call, a {@code durable} notice once its commit is durable; with {@code wait}, an
   * {@code ok} callResult only then (or a failed one with {@code UNAVAILABLE}).
   */
  void call(String id, CallAnswer a, boolean wait) {
    drain();
    CallOutcome o = a.outcome();
    if (o.status() != CallOutcome.Status.OK && !wait) {
      out.send(FrameWriter.callResult(id, o)); // nothing of the function was applied: no notice
    } else if (wait) {
      // A failed call that asked to wait is answered once its stored record is on disk.
      // Completes with the outcome, or with FAILED and UNAVAILABLE when the log failed first.
      after(
          a.whenDurable(Runnable::run),
          outcome -> FrameWriter.callResult(id, outcome),
          e -> FrameWriter.error(id, WireCodes.INTERNAL, "unexpected failure: " + e, null));
    } else {
      out.send(FrameWriter.callResult(id, o));
      notice(id, "call " + o.callId() + " at", o.version(), a.durable());
    }
  }

  /**
   * The {@code durable} notice for request {@code id} once {@code whenDurable} completes, or {@code
   * notDurable} when the log failed first.
   */
  private void notice(String id, String what, Version v, CompletableFuture<Void> whenDurable) {
    after(
        whenDurable,
        ignored -> FrameWriter.durable(id, v),
        e -> FrameWriter.notDurable(id, v, WireCodes.UNAVAILABLE, notDurable(what, v, e)),
        true);
  }

  private static String notDurable(String what, Version v, Throwable cause) {
    return what
        + " "
        + v
        + " was applied, but the write-ahead log failed before it was durable (it may be lost"
        + " if the node restarts): "
        + cause.getMessage();
  }

  /**
   * Sends {@code onDurable(value)} once {@code durable} completes, or {@code onFailure(cause)} when
   * it completes exceptionally. The functions run on the thread that completes the future (the
   * log's): they only build a frame.
   */
  <T> void after(
      CompletableFuture<T> durable,
      Function<? super T, String> onDurable,
      Function<Throwable, String> onFailure) {
    after(durable, onDurable, onFailure, false);
  }

  /**
   * As {@link #after(CompletableFuture, Function, Function)}; a {@code notice} waits up to {@link
   * #NOTICE_DELAY_MILLIS} for the connection's next answer and leaves with it.
   */
  private <T> void after(
      CompletableFuture<T> durable,
      Function<? super T, String> onDurable,
      Function<Throwable, String> onFailure,
      boolean notice) {
    if (durable.isDone()) {
      out.send(frame(durable, onDurable, onFailure));
      return;
    }
    durable.whenComplete(
        (v, e) -> ready(e == null ? onDurable.apply(v) : onFailure.apply(cause(e)), notice));
  }

  /**
   * Queues the notices that are ready ahead of the answer about to be sent, on the request thread
   * that holds the sender, so they leave in its frame. Each was ready after its own answer was
   * queued, so it still follows it.
   */
  private void drain() {
    List<String> frames;
    synchronized (lock) {
      if (ready.isEmpty()) {
        return;
      }
      frames = ready;
      ready = new ArrayList<>();
    }
    for (String f : frames) {
      out.send(f);
    }
  }

  private static <T> String frame(
      CompletableFuture<T> done,
      Function<? super T, String> onDurable,
      Function<Throwable, String> onFailure) {
    try {
      return onDurable.apply(done.join());
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      return onFailure.apply(cause(e));
    }
  }

  private static Throwable cause(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  private void ready(String frame, boolean notice) {
    boolean now = false;
    boolean timed = false;
    synchronized (lock) {
      ready.add(frame);
      if (!flushQueued && (!notice || !flushTimed)) {
        if (notice) {
          flushTimed = timed = true;
        } else {
          flushQueued = now = true;
        }
      }
    }
    try {
      if (now) {
        executor.execute(this::flush);
      } else if (timed) {
        later.run(() -> executor.execute(this::timedFlush), delayMillis);
      }
    } catch (RejectedExecutionException stopping) {
      // The node is stopping and its connections with it: nothing more is sent.
    }
  }

  private void timedFlush() {
    synchronized (lock) {
      flushTimed = false;
    }
    flush();
  }

  /** Sends what became ready, together. */
  private void flush() {
    List<String> frames;
    synchronized (lock) {
      frames = ready;
      ready = new ArrayList<>();
      flushQueued = false;
      if (frames.isEmpty()) {
        return; // an answer took them along
      }
    }
    out.hold();
    try {
      for (String f : frames) {
        out.send(f);
      }
    } finally {
      out.release();
    }
  }
}
