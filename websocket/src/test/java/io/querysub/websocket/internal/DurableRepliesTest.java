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
}
