package io.querysub.jobs;

import java.io.Serializable;
import java.util.LinkedHashMap;

/**
 * Where a job stands: the checkpoint the batch runtime keeps after each chunk, so a restarted job
 * goes on from the last committed item. {@code state} is the job's own (its plan); {@code report}
 * is what the job tells when it ends (also kept as the step's persistent user data).
 */
public final class Cursor implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The next item to do. */
  public int next;

  /** How many items the job has. */
  public int total;

  /** Bytes to move in all, and moved so far (for progress; 0 when the job does not know). */
  public long bytesTotal;

  public long bytesDone;

  /** The job's own state. */
  public Serializable state;

  /** name to value, in the order the job added them. */
  public final LinkedHashMap<String, Object> report = new LinkedHashMap<>();

  /** Adds {@code n} to the count {@code key} of the report. */
  public void add(String key, long n) {
    report.merge(key, n, (a, b) -> (Long) a + (Long) b);
  }
}
