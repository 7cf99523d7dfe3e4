package io.querysub.websocket.internal;

import io.querysub.engine.watch.Watch;
import io.querysub.websocket.protocol.WatchMode;

/**
 * A watch a connection holds: the client's id for it, its mode, and the engine's {@link Watch} once
 * started. Closing it stops delivery at once; batches already queued for it are dropped by the
 * sender.
 */
final class ActiveWatch {
  final String id;
  final WatchMode mode;
  private volatile Watch watch;
  private volatile boolean closed;
  private volatile Runnable onClose;

  /**
   * Which engine watch of this one may still deliver: a restart (a new snapshot) makes batches of
   * the one before stale. Changed only under the outbound queue's lock.
   */
  volatile int generation;

  /** A children or subtree watch's filter that follows data, or null. */
  volatile FilteredScope scope;

  ActiveWatch(String id, WatchMode mode) {
    this.id = id;
    this.mode = mode;
  }

  void started(Watch w) {
    watch = w;
    if (closed) {
      w.close();
    }
  }

  /** The engine watch now feeding this one, after a restart; the one before is closed. */
  void restarted(Watch w) {
    Watch old = watch;
    watch = w;
    if (old != null) {
      old.close();
    }
    if (closed) {
      w.close();
    }
  }

  /** Runs {@code r} when this watch closes (at once if it is closed already). */
  void onClose(Runnable r) {
    onClose = r;
    if (closed) {
      r.run();
    }
  }

  boolean closed() {
    return closed;
  }

  /** May a lagging client get only the newest value of each path? */
  boolean coalescible() {
    return mode == WatchMode.LATEST;
  }

  void close() {
    closed = true;
    Watch w = watch;
    if (w != null) {
      w.close();
    }
    Runnable r = onClose;
    if (r != null) {
      r.run();
    }
  }
}
