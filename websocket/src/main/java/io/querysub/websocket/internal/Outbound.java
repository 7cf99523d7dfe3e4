package io.querysub.websocket.internal;

import io.querysub.engine.watch.Change;
import io.querysub.engine.watch.ChangeBatch;
import io.querysub.websocket.protocol.FrameWriter;
import io.querysub.websocket.protocol.WireCodes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A connection's outbound frames, in order, sent by one sender with at most one frame in flight.
 *
 * <p>Three kinds of item are queued: reply frames; <em>slots</em>, reserved before a watch starts
 * and filled with its snapshot once it has one, so that a watch's changes (which may arrive while
 * the snapshot is being read) always follow its snapshot; and change batches, which the sender
 * groups per watch, so changes queued together go out in one {@code changes} frame per watch.
 *
 * <p>The queue is bounded: when more than {@code maxQueue} changes and frames are waiting (the
 * client reads too slowly), the batches of {@code latest} watches are coalesced to the newest value
 * of each path; if that is not enough, the queue is dropped, every watch is closed and the
 * connection is closed with {@link WireCodes#CLOSE_OVERFLOW}, and the client resumes with {@code
 * since}.
 *
 * <p>Batching: when the client accepts array frames ({@link #batching}), the sender sends every
 * message it finds waiting as one text frame holding a JSON array of them (in order, at most {@link
 * #MAX_BATCH} messages and about {@link #MAX_BATCH_CHARS} characters; a single message goes as it
 * is). The request thread {@linkplain #hold holds} the sender while it handles a frame, so the
 * answers to one frame leave together.
 *
 * <p>Threading: any thread may enqueue. {@link #changes} runs on a committing thread, so it only
 * enqueues and hands the sending to the executor; replies start sending on the caller's thread.
 * Nothing here calls back into the engine while holding the queue's lock.
 */
public final class Outbound {
  /** The socket, as the sender sees it. */
  public interface Transport {
    /** Sends one text frame without blocking; calls {@code done} once, with null on success. */
    void send(String frame, Consumer<Throwable> done);

    /** Closes the connection with a close code. */
    void close(int code, String reason);
  }

  /** A place in the queue whose frame is filled in later. */
  static final class Slot {
    private String frame; // guarded by the queue lock
  }

  private record Batch(ActiveWatch watch, ChangeBatch batch, boolean coalesced) {}

  /** Most messages in one array frame. */
  public static final int MAX_BATCH = 1000;

  /** Characters after which an array frame takes no more messages (one message may be larger). */
  public static final int MAX_BATCH_CHARS = 1 << 20;

  private final Transport transport;
  private final Executor executor;
  private final int maxQueue;
  private final Runnable onOverflow;

  private final Object lock = new Object();
  private final ArrayDeque<Object> queue = new ArrayDeque<>(); // Slot or Batch
  private int queued; // changes in queued batches plus queued slots
  private boolean pumping; // a sender owns the queue
  private boolean closed;
  private int holds; // request threads holding the sender back (guarded by lock)
  private volatile boolean batching;
  private final ArrayDeque<String> ready = new ArrayDeque<>(); // the sender's own frames
  private long coalescings;
  // Marks where the connection closes, once every frame before it is sent (compared by identity).
  private static final String CLOSE = new String("close");
  private int closeCode; // guarded by lock, set with the CLOSE marker
  private String closeReason;

  /**
   * @param onOverflow run (on the executor) when the bound is passed, before the connection closes
   */
  public Outbound(Transport transport, Executor executor, int maxQueue, Runnable onOverflow) {
    this.transport = transport;
    this.executor = executor;
    this.maxQueue = maxQueue;
    this.onOverflow = onOverflow;
  }

  /** From now on, messages waiting together are sent as one array frame. */
  void batching(boolean on) {
    batching = on;
  }

  /**
   * Holds the sender back until {@link #release}: frames queued meanwhile wait, so the answers to
   * one client frame can leave in one array frame. Called on the request thread, paired with {@link
   * #release} in a {@code finally}.
   */
  void hold() {
    synchronized (lock) {
      holds++;
    }
  }

  /** Ends a {@link #hold}; starts sending on this thread what was queued meanwhile. */
  void release() {
    boolean start;
    synchronized (lock) {
      holds--;
      start = holds == 0 && !closed && !pumping && !queue.isEmpty();
      pumping |= start;
    }
    if (start) {
      pump();
    }
  }

  /** Queues a reply frame and starts sending on this thread if no sender runs. */
  public void send(String frame) {
    Slot s = reserve();
    fill(s, frame);
  }

  /**
   * Queues {@code frame}, then closes the connection with {@code code} once it and every frame
   * before it are sent; nothing queued later is sent.
   */
  void sendThenClose(String frame, int code, String reason) {
    synchronized (lock) {
      if (closed || closeReason != null) {
        return;
      }
      closeCode = code;
      closeReason = reason;
    }
    send(frame);
    send(CLOSE);
  }

  /** Reserves the next place in the queue; nothing behind it is sent until it is filled. */
  Slot reserve() {
    Slot s = new Slot();
    boolean overflow;
    synchronized (lock) {
      if (closed) {
        return s;
      }
      queue.add(s);
      queued++;
      overflow = queued > maxQueue && !coalesce();
    }
    if (overflow) {
      overflow();
    }
    return s;
  }

  /** Fills a reserved place and starts sending on this thread if no sender runs. */
  void fill(Slot s, String frame) {
    boolean start;
    synchronized (lock) {
      s.frame = frame;
      start = !closed && !pumping && holds == 0;
      pumping |= start;
    }
    if (start) {
      pump();
    }
  }

  /**
   * Queues the changes of one commit for a watch. Called on a committing thread: only enqueues, and
   * the sending starts on the executor.
   */
  void changes(ActiveWatch w, ChangeBatch b) {
    changes(w, b, w.generation);
  }

  /**
   * Queues the changes of one commit for a watch, from the engine watch of {@code generation}:
   * dropped if the watch has been restarted since ({@link #restart}).
   */
  void changes(ActiveWatch w, ChangeBatch b, int generation) {
    boolean start;
    boolean overflow = false;
    synchronized (lock) {
      if (closed || w.closed() || w.generation != generation) {
        return;
      }
      queue.add(new Batch(w, b, false));
      queued += b.changes().size();
      if (queued > maxQueue && !coalesce()) {
        overflow = true;
      }
      start = !overflow && !pumping && holds == 0;
      pumping |= start;
    }
    if (overflow) {
      overflow();
    } else if (start) {
      executor.execute(this::pump);
    }
  }

  /**
   * Starts a watch over: its queued batches are dropped, batches of its earlier engine watches will
   * be dropped when they arrive, and a place is reserved for its new snapshot. Returns the place
   * and the generation whose batches count from now on.
   */
  Restart restart(ActiveWatch w) {
    Slot s = new Slot();
    int generation;
    synchronized (lock) {
      generation = ++w.generation;
      for (Iterator<Object> it = queue.iterator(); it.hasNext(); ) {
        if (it.next() instanceof Batch b && b.watch == w) {
          it.remove();
          queued -= b.batch.changes().size();
        }
      }
      if (!closed) {
        queue.add(s);
        queued++;
      }
    }
    return new Restart(s, generation);
  }

  /** A restarted watch's place for its new snapshot and its new generation. */
  record Restart(Slot slot, int generation) {}

  /** Drops everything queued and sends nothing more (the connection is closing). */
  void shutdown() {
    synchronized (lock) {
      closed = true;
      queue.clear();
      queued = 0;
    }
  }

  /** How many times the queue was coalesced (for tests and metrics). */
  long coalescings() {
    synchronized (lock) {
      return coalescings;
    }
  }

  private void overflow() {
    shutdown();
    executor.execute(
        () -> {
          onOverflow.run();
          transport.close(
              WireCodes.CLOSE_OVERFLOW,
              "outbound queue over " + maxQueue + "; reconnect and watch with since");
        });
  }

  /**
   * Merges the queued batches of each coalescible watch into one, holding the newest change of each
   * path, at the place of its newest batch. Returns whether the queue is within the bound.
   */
  private boolean coalesce() {
    coalescings++;
    Map<ActiveWatch, LinkedHashMap<String, Change>> merged = new IdentityHashMap<>();
    Map<ActiveWatch, Batch> newest = new IdentityHashMap<>();
    for (Object item : queue) {
      if (item instanceof Batch b && b.watch.coalescible()) {
        LinkedHashMap<String, Change> m =
            merged.computeIfAbsent(b.watch, k -> new LinkedHashMap<>());
        for (Change c : b.batch.changes()) {
          String key = (c.kind() == Change.Kind.VALUE ? "v" : "k") + c.path();
          m.remove(key); // keep the newest last
          m.put(key, c);
        }
        newest.put(b.watch, b);
      }
    }
    queued = 0;
    for (Iterator<Object> it = queue.iterator(); it.hasNext(); ) {
      Object item = it.next();
      if (item instanceof Batch b && b.watch.coalescible()) {
        if (newest.get(b.watch) != b) {
          it.remove();
          continue;
        }
        queued += merged.get(b.watch).size();
      } else {
        queued += item instanceof Batch b ? b.batch.changes().size() : 1;
      }
    }
    // Replace each newest batch by the merged one, keeping its place.
    ArrayDeque<Object> rebuilt = new ArrayDeque<>(queue.size());
    for (Object item : queue) {
      if (item instanceof Batch b && newest.get(b.watch) == b) {
        List<Change> changes = new ArrayList<>(merged.get(b.watch).values());
        rebuilt.add(new Batch(b.watch, new ChangeBatch(b.batch.version(), changes), true));
      } else {
        rebuilt.add(item);
      }
    }
    queue.clear();
    queue.addAll(rebuilt);
    return queued <= maxQueue;
  }

  /** Sends frames until the queue is empty, keeping one frame in flight. */
  private void pump() {
    while (true) {
      String frame = next();
      if (frame == null) {
        return;
      }
      // Whichever of "send returned" and "send completed" comes second carries on, so a send that
      // completes inline loops here instead of recursing.
      AtomicInteger phase = new AtomicInteger();
      try {
        transport.send(
            frame,
            error -> {
              if (error != null) {
                shutdown();
              } else if (phase.getAndIncrement() == 1) {
                pump();
              }
            });
      } catch (RuntimeException e) {
        shutdown(); // the session is gone
        return;
      }
      if (phase.getAndIncrement() == 0) {
        return;
      }
    }
  }

  /**
   * The next frame to send, or null (and the sender stops) when there is none. With batching, every
   * message waiting goes into one array frame (up to the bounds).
   */
  private String next() {
    while (true) {
      if (ready.isEmpty() || batching) {
        List<Object> taken = new ArrayList<>();
        synchronized (lock) {
          while (!closed && !queue.isEmpty()) {
            Object head = queue.peek();
            if (head instanceof Slot s && s.frame == null) {
              break; // a snapshot still being read: everything behind it waits
            }
            queue.poll();
            queued -= head instanceof Batch b ? b.batch.changes().size() : 1;
            taken.add(head);
          }
          if (taken.isEmpty() && ready.isEmpty()) {
            pumping = false;
            return null;
          }
        }
        build(taken);
      }
      if (ready.isEmpty()) {
        continue; // every taken batch was for a closed watch
      }
      if (ready.peek() == CLOSE) {
        int code;
        String reason;
        synchronized (lock) {
          code = closeCode;
          reason = closeReason;
          pumping = false;
        }
        shutdown();
        ready.clear();
        transport.close(code, reason);
        return null;
      }
      if (!batching || ready.size() == 1) {
        return ready.poll();
      }
      return joined();
    }
  }

  /** Waiting messages as one array frame, in order, within the bounds. */
  private String joined() {
    String first = ready.poll();
    if (ready.isEmpty()
        || ready.peek() == CLOSE
        || first.length() + ready.peek().length() >= MAX_BATCH_CHARS) {
      return first;
    }
    StringBuilder b =
        new StringBuilder(Math.min(MAX_BATCH_CHARS, first.length() * (ready.size() + 1)) + 2);
    b.append('[').append(first);
    int n = 1;
    while (n < MAX_BATCH && !ready.isEmpty()) {
      String f = ready.peek();
      if (f == CLOSE || b.length() + f.length() > MAX_BATCH_CHARS) {
        break;
      }
      b.append(',').append(ready.poll());
      n++;
    }
    return b.append(']').toString();
  }

  /** Turns taken items into frames: slots as they are, batches grouped per watch. */
  private void build(List<Object> taken) {
    Map<ActiveWatch, List<Batch>> groups = new IdentityHashMap<>();
    List<Object> order = new ArrayList<>(); // frames and group keys, in first-seen order
    for (Object item : taken) {
      if (item instanceof Slot s) {
        order.add(s.frame);
      } else {
        Batch b = (Batch) item;
        List<Batch> g = groups.get(b.watch);
        if (g == null) {
          g = new ArrayList<>();
          groups.put(b.watch, g);
          order.add(b.watch);
        }
        g.add(b);
      }
    }
    for (Object o : order) {
      if (o instanceof String frame) {
        ready.add(frame);
        continue;
      }
      ActiveWatch w = (ActiveWatch) o;
      if (w.closed()) {
        continue; // unwatched while queued: nothing more for it
      }
      List<Batch> g = groups.get(w);
      List<ChangeBatch> batches = new ArrayList<>(g.size());
      boolean coalesced = false;
      for (Batch b : g) {
        batches.add(b.batch);
        coalesced |= b.coalesced;
      }
      ready.add(FrameWriter.changes(w.id, batches, coalesced));
    }
  }
}
