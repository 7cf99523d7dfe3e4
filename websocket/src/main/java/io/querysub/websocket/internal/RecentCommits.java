package io.querysub.websocket.internal;

import io.querysub.engine.path.Path;
import io.querysub.engine.version.Version;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What became of a connection's latest commits, by request id, so that a later commit's lock can
 * name one of them instead of a version (a pipelined commit that builds on one whose answer has not
 * reached the client yet). Keeps the newest {@link #KEPT} ids; a reused id names its latest commit.
 * Thread-safe (the connection's frames are handled one at a time, but not always on one thread).
 */
final class RecentCommits {
  /** How many commits are remembered per connection. */
  static final int KEPT = 1024;

  /** A commit's outcome. */
  sealed interface Outcome {}

  /** Stored at {@code version}, writing {@code written}. */
  record Valid(Version version, Set<Path> written) implements Outcome {}

  /** Rejected or refused: nothing was stored. */
  record Failed(String reason) implements Outcome {}

  private final Map<String, Outcome> byId =
      new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Outcome> eldest) {
          return size() > KEPT;
        }
      };

  synchronized void remember(String id, Outcome outcome) {
    byId.remove(id); // a reused id moves to the newest place
    byId.put(id, outcome);
  }

  /** The outcome of the latest commit with this id, or null if none is remembered. */
  synchronized Outcome get(String id) {
    return byId.get(id);
  }
}
