package io.querysub.engine.watch;

import io.querysub.engine.path.Path;
import io.querysub.engine.version.Version;

/**
 * One registered watch. Its sink receives, in version order, the part of each commit that falls
 * inside its scope, for every commit above {@link #baseVersion()} (the snapshot it started from
 * already holds the rest). {@link #close()} stops delivery; closing twice is harmless.
 */
public interface Watch extends AutoCloseable {
  enum Scope {
    /** The value of one path. */
    PATH,
    /** The direct children of a path: their values and which keys exist. */
    CHILDREN,
    /** Every value at or below a path. */
    SUBTREE
  }

  Scope scope();

  Path path();

  /** Batches at or below this version are already in the watch's starting state. */
  Version baseVersion();

  @Override
  void close();
}
