package io.querysub.jobs;

import java.util.Properties;

/** What one job does, item by item; made fresh for each run (or restart) of its step. */
public interface JobWork {
  /**
   * Plans the run (when {@code checkpoint} is null) or takes up a restarted one where its last
   * checkpoint left it.
   *
   * @param params the job's parameters, already checked by {@link Jobs}
   */
  Cursor open(Cursor checkpoint, Properties params) throws Exception;

  /** Does item {@code index} of {@code c}, updating its counts and report. */
  void process(Cursor c, int index) throws Exception;

  /** Releases what {@link #open} took (leases, pins); called however the step ends. */
  default void close() {}
}
