package io.querysub.websocket.internal;

import io.querysub.engine.path.Path;
import io.querysub.engine.version.Version;
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

  // A ring of the newest commits: remembering costs two array stores and no hashing, because
  // every commit is remembered and few are ever looked up (only by locks that name one).
  private final String[] ids = new String[KEPT];
  private final Outcome[] outcomes = new Outcome[KEPT];
  private long count; // commits remembered so far; guarded by this

  synchronized void remember(String id, Outcome outcome) {
    int i = (int) (count++ % KEPT);
    ids[i] = id;
    outcomes[i] = outcome;
  }

  /** The outcome of the latest commit with this id, or null if none is remembered. */
  synchronized Outcome get(String id) {
    long oldest = Math.max(0, count - KEPT);
    for (long n = count - 1; n >= oldest; n--) {
      int i = (int) (n % KEPT);
      if (ids[i].equals(id)) {
        return outcomes[i];
      }
    }
    return null;
  }
}
