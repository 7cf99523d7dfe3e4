package io.querysub.engine.store;

import io.querysub.engine.version.Version;
import java.util.List;

/**
 * Hears of every valid commit as it becomes golden (its validity can no longer change): the feed of
 * what an archive keeps. Set with {@link Store#setGoldenSink} before the store serves.
 *
 * <p>Threading: both methods are called by the thread moving the golden horizon, while it holds the
 * store's exclusive lock, so they must be quick (copy references into a buffer) and must not call
 * the store.
 */
public interface GoldenSink {
  /**
   * A valid commit became golden. Commits arrive roughly in version order (exactly in version order
   * within one shard); rejected commits never arrive. {@code writes} is a fresh list the sink may
   * keep.
   */
  void golden(Version version, List<Write> writes);

  /** A golden pass up to {@code horizon} ended. */
  void passed(Version horizon);
}
