package io.querysub.websocket.client;

import java.util.List;

/**
 * Receives one watch's state. Calls come one at a time, on the WebSocket client's thread, in the
 * order the server sent them: first {@link #snapshot}, then {@link #changes} in version order. Be
 * quick, or hand the work to another thread.
 */
public interface WatchListener {
  /**
   * The watch's state. A children or subtree watch may get another snapshot later, when what its
   * caller may read in it changed (permissions): it replaces everything received before.
   */
  void snapshot(Snapshot snapshot);

  /**
   * Batches in version order; {@code coalesced} when the server merged batches for a lagging client
   * (then only the newest value of each path is there).
   */
  void changes(List<Batch> batches, boolean coalesced);

  /** The watch was refused or ended with an error; nothing more comes for it. */
  default void error(ServerError error) {}
}
