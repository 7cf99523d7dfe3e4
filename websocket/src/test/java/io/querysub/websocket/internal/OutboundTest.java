package io.querysub.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.Value;
import io.querysub.engine.version.Version;
import io.querysub.engine.watch.Change;
import io.querysub.engine.watch.ChangeBatch;
import io.querysub.websocket.protocol.WatchMode;
import io.querysub.websocket.protocol.WireCodes;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class OutboundTest {
  /** A socket that completes sends only when told to (a slow client), or at once. */
  static final class FakeTransport implements Outbound.Transport {
    // Written by senders on any thread (durable notices: the log's), read by the test.
    final List<String> sent = new CopyOnWriteArrayList<>();
    final List<Consumer<Throwable>> inFlight = new ArrayList<>();
    boolean immediate = true;
    int closedWith;

    @Override
    public synchronized void send(String frame, Consumer<Throwable> done) {
      sent.add(frame);
      if (immediate) {
        done.accept(null);
      } else {
        inFlight.add(done);
      }
    }

    @Override
    public synchronized void close(int code, String reason) {
      closedWith = code;
    }

    void completeAll() {
      while (true) {
        Consumer<Throwable> d;
        synchronized (this) {
          if (inFlight.isEmpty()) {
            return;
          }
          d = inFlight.remove(0);
        }
        d.accept(null);
      }
    }
  }

  private static ChangeBatch batch(long n, String... paths) {
    Version v = Version.of(1_700_000_000_000L + n, 0, 1);
    List<Change> changes = new ArrayList<>();
    for (String p : paths) {
      changes.add(Change.value(Path.parse(p), Value.ofJson(Long.toString(n)), v));
    }
    return new ChangeBatch(v, changes);
  }

  private static JsonObject parse(String f) {
    return Json.createReader(new StringReader(f)).readObject();
  }

  @Test
  void changesWaitBehindAnUnfilledSnapshotSlotAndKeepOrder() {
    FakeTransport t = new FakeTransport();
    Outbound out = new Outbound(t, Runnable::run, 1000, () -> {});
    ActiveWatch w = new ActiveWatch("1", WatchMode.LATEST);
    Outbound.Slot slot = out.reserve();
    out.changes(w, batch(1, "/a"));
    out.changes(w, batch(2, "/a"));
    assertThat(t.sent).isEmpty();
    out.fill(slot, "{\"type\":\"snapshot\"}");
    assertThat(t.sent).hasSize(2);
    assertThat(t.sent.get(0)).contains("snapshot");
    JsonObject changes = parse(t.sent.get(1));
    assertThat(changes.getJsonArray("batches")).hasSize(2); // queued together: one frame
  }

  @Test
  void oneFrameInFlightAtATime() {
    FakeTransport t = new FakeTransport();
    t.immediate = false;
    Outbound out = new Outbound(t, Runnable::run, 1000, () -> {});
    out.send("{\"n\":1}");
    out.send("{\"n\":2}");
    out.send("{\"n\":3}");
    assertThat(t.sent).containsExactly("{\"n\":1}");
    t.completeAll();
    assertThat(t.sent).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
  }

  @Test
  void aSlowClientGetsTheNewestValuePerPath() {
    FakeTransport t = new FakeTransport();
    t.immediate = false;
    Outbound out = new Outbound(t, Runnable::run, 20, () -> {});
    ActiveWatch w = new ActiveWatch("1", WatchMode.LATEST);
    out.send("{\"first\":1}"); // stays in flight: nothing else leaves
    for (int i = 1; i <= 100; i++) {
      out.changes(w, batch(i, "/a", "/b"));
    }
    assertThat(out.coalescings()).isPositive();
    assertThat(t.closedWith).isZero();
    t.completeAll();
    JsonObject f = parse(t.sent.get(1));
    assertThat(f.getBoolean("coalesced")).isTrue();
    var batches = f.getJsonArray("batches");
    JsonObject last = batches.getJsonObject(batches.size() - 1);
    assertThat(last.getString("version")).isEqualTo(batch(100, "/a").version().toString());
    assertThat(last.getJsonArray("changes").getJsonObject(0).getInt("value")).isEqualTo(100);
  }

  @Test
  void overflowBeyondCoalescingClosesWith4001() {
    FakeTransport t = new FakeTransport();
    t.immediate = false;
    List<String> overflowed = new ArrayList<>();
    Outbound out = new Outbound(t, Runnable::run, 20, () -> overflowed.add("yes"));
    ActiveWatch w = new ActiveWatch("1", WatchMode.LATEST);
    out.send("{\"first\":1}");
    for (int i = 1; i <= 30; i++) {
      out.changes(w, batch(i, "/p" + i)); // every path distinct: nothing to merge
    }
    assertThat(t.closedWith).isEqualTo(WireCodes.CLOSE_OVERFLOW);
    assertThat(overflowed).containsExactly("yes");
    t.completeAll();
    assertThat(t.sent).hasSize(1); // the queue was dropped
  }

  @Test
  void batchesOfAClosedWatchAreDropped() {
    FakeTransport t = new FakeTransport();
    t.immediate = false;
    Outbound out = new Outbound(t, Runnable::run, 1000, () -> {});
    ActiveWatch w = new ActiveWatch("1", WatchMode.LATEST);
    out.send("{\"first\":1}");
    out.changes(w, batch(1, "/a"));
    w.close();
    out.send("{\"after\":1}");
    t.completeAll();
    assertThat(t.sent).containsExactly("{\"first\":1}", "{\"after\":1}");
  }

  @Test
  void withBatchingWaitingMessagesLeaveAsOneArrayFrameInOrder() {
    FakeTransport t = new FakeTransport();
    t.immediate = false;
    Outbound out = new Outbound(t, Runnable::run, 1000, () -> {});
    out.batching(true);
    ActiveWatch w = new ActiveWatch("1", WatchMode.LATEST);
    out.send("{\"first\":1}"); // in flight
    out.send("{\"a\":1}");
    out.changes(w, batch(1, "/a"));
    out.changes(w, batch(2, "/b"));
    out.send("{\"b\":1}");
    assertThat(t.sent).containsExactly("{\"first\":1}");
    t.completeAll();
    assertThat(t.sent).hasSize(2);
    jakarta.json.JsonArray a = Json.createReader(new StringReader(t.sent.get(1))).readArray();
    assertThat(a).hasSize(3);
    assertThat(a.getJsonObject(0).getInt("a")).isEqualTo(1);
    assertThat(a.getJsonObject(1).getJsonArray("batches")).hasSize(2); // one frame per watch
    assertThat(a.getJsonObject(2).getInt("b")).isEqualTo(1);
  }

  @Test
  void aHoldKeepsFramesUntilReleaseAndCoalescingStillWorksUnderBatching() {
    FakeTransport t = new FakeTransport();
    Outbound out = new Outbound(t, Runnable::run, 3, () -> {});
    out.batching(true);
    ActiveWatch w = new ActiveWatch("1", WatchMode.LATEST);
    out.hold();
    out.send("{\"r\":1}");
    out.changes(w, batch(1, "/a"));
    out.changes(w, batch(2, "/a"));
    out.changes(w, batch(3, "/a")); // over 3: coalesced to the newest of /a
    assertThat(t.sent).isEmpty();
    assertThat(out.coalescings()).isPositive();
    out.release();
    assertThat(t.sent).hasSize(1);
    jakarta.json.JsonArray a = Json.createReader(new StringReader(t.sent.get(0))).readArray();
    assertThat(a).hasSize(2);
    JsonObject ch = a.getJsonObject(1);
    assertThat(ch.getBoolean("coalesced")).isTrue();
    assertThat(ch.getJsonArray("batches")).hasSize(1);
    assertThat(t.closedWith).isZero();
  }

  @Test
  void withoutBatchingFramesGoOneByOne() {
    FakeTransport t = new FakeTransport();
    t.immediate = false;
    Outbound out = new Outbound(t, Runnable::run, 1000, () -> {});
    out.send("{\"first\":1}");
    out.send("{\"a\":1}");
    out.send("{\"b\":1}");
    t.completeAll();
    t.completeAll();
    t.completeAll();
    assertThat(t.sent).containsExactly("{\"first\":1}", "{\"a\":1}", "{\"b\":1}");
  }
}
