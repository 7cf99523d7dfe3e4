package io.querysub.jobs;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The progress of the job executions this node runs, by execution id (kept in memory). */
@ApplicationScoped
public class JobProgress {
  private final ConcurrentHashMap<Long, Progress> byExecution = new ConcurrentHashMap<>();

  Progress start(long executionId, Cursor c) {
    Progress p = new Progress(c);
    byExecution.put(executionId, p);
    return p;
  }

  public Optional<Progress> get(long executionId) {
    return Optional.ofNullable(byExecution.get(executionId));
  }
}
