package io.querysub.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Frames that wait for the log: the completing thread (the log's, here the test's) only queues; one
 * task on the executor sends what became ready together.
 */
class DurableRepliesTest {
  private final OutboundTest.FakeTransport socket = new OutboundTest.FakeTransport();
  private final List<Runnable> tasks = new ArrayList<>();
  private final Outbound out = new Outbound(socket, tasks::add, 1000, () -> {});
  private final DurableReplies replies = new DurableReplies(out, tasks::add);

  private static String notice(int n) {
    return "{\"type\":\"durable\",\"id\":" + n + "}";
  }

  @Test
  void noticesThatCompleteTogetherLeaveInOneFrameFromOneTask() {
    out.batching(true);
    List<CompletableFuture<Void>> syncs = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      CompletableFuture<Void> f = new CompletableFuture<>();
      syncs.add(f);
      int n = i;
      replies.after(f, v -> notice(n), e -> "failed " + n);
    }
    for (CompletableFuture<Void> f : syncs) {
      f.complete(null); // the log's sync thread, completing its waiters one by one
    }
    assertThat(socket.sent).as("nothing is sent on the completing thread").isEmpty();
    assertThat(tasks).as("one flush for the whole sync").hasSize(1);
    tasks.remove(0).run();
    assertThat(socket.sent)
        .containsExactly(
            "[" + notice(1) + "," + notice(2) + "," + notice(3) + "," + notice(4) + "," + notice(5)
                + "]");
  }

  @Test
  void aFailureSendsItsOwnFrameAndACompletedFutureIsAnsweredAtOnce() {
    CompletableFuture<Void> failing = new CompletableFuture<>();
    replies.after(failing, v -> "durable", e -> "notDurable: " + e.getMessage());
    replies.after(CompletableFuture.completedFuture(7), v -> "already " + v, e -> "no");
    assertThat(socket.sent)
        .as("complete: sent on the caller's thread")
        .containsExactly("already 7");
    assertThat(tasks).isEmpty();
    failing.completeExceptionally(new IllegalStateException("disk gone"));
    tasks.remove(0).run();
    assertThat(socket.sent).containsExactly("already 7", "notDurable: disk gone");
    replies.after(
        CompletableFuture.failedFuture(new IllegalStateException("log failed")),
        v -> "durable",
        e -> "notDurable: " + e.getMessage());
    assertThat(socket.sent).endsWith("notDurable: log failed");
  }

  @Test
  void aNoticeRidesWithTheNextAnswerOrLeavesWhenItsTimerFires() {
    List<Runnable> timer = new ArrayList<>();
    List<Long> delays = new ArrayList<>();
    DurableReplies timed =
        new DurableReplies(
            out,
            tasks::add,
            (task, delay) -> {
              timer.add(task);
              delays.add(delay);
            });
    out.batching(true);
    CompletableFuture<Void> sync1 = new CompletableFuture<>();
    timed.commit("1", valid(1), false, () -> sync1);
    assertThat(socket.sent).containsExactly(result(1));
    sync1.complete(null);
    assertThat(timer).as("the notice waits on the timer").hasSize(1);
    assertThat(delays).containsExactly(DurableReplies.NOTICE_DELAY_MILLIS);
    assertThat(tasks).as("nothing is queued to send at once").isEmpty();

    // The next answer takes the notice along, in one frame, after it.
    out.hold();
    CompletableFuture<Void> sync2 = new CompletableFuture<>();
    timed.commit("2", valid(2), false, () -> sync2);
    out.release();
    assertThat(socket.sent.get(1)).isEqualTo("[" + durable(1) + "," + result(2) + "]");
    // The timer then finds nothing to send.
    timer.remove(0).run();
    tasks.remove(0).run();
    assertThat(socket.sent).hasSize(2);

    // With no answer after it, the timer sends it.
    sync2.complete(null);
    timer.remove(0).run();
    tasks.remove(0).run();
    assertThat(socket.sent).hasSize(3);
    assertThat(socket.sent.get(2)).isEqualTo(durable(2));
  }

  private static io.querysub.engine.store.CommitResult valid(int n) {
    return new io.querysub.engine.store.CommitResult(
        io.querysub.engine.version.Version.of(1000 + n, 0, 1),
        io.querysub.engine.store.Validity.VALID,
        null);
  }

  private static String result(int n) {
    return io.querysub.websocket.protocol.FrameWriter.result(Integer.toString(n), valid(n));
  }

  private static String durable(int n) {
    return io.querysub.websocket.protocol.FrameWriter.durable(
        Integer.toString(n), valid(n).version());
  }
}
