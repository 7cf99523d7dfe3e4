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
  }
}
