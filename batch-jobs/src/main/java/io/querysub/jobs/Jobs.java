package io.querysub.jobs;

import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.operations.JobRestartException;
import jakarta.batch.operations.JobSecurityException;
import jakarta.batch.operations.JobStartException;
import jakarta.batch.operations.NoSuchJobException;
import jakarta.batch.operations.NoSuchJobExecutionException;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import jakarta.batch.runtime.JobInstance;
import jakarta.batch.runtime.Metric;
import jakarta.batch.runtime.StepExecution;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Starts, restarts, stops and describes jobs through the batch runtime's {@link JobOperator}; the
 * REST resource and the schedules go through here.
 */
@ApplicationScoped
public class Jobs {
  private static final String FAILED = "FAILED: ";

  @Inject JobProgress progress;

  private JobOperator operator() {
    return BatchRuntime.getJobOperator();
  }

  /**
   * Starts job {@code name}.
   *
   * @param trigger {@code rest} or {@code schedule}
   * @throws QuerysubException {@code NOT_FOUND} for an unknown job, {@code INVALID_ARGUMENT} for
   *     bad parameters
   */
  public JobView start(String name, Map<String, String> params, String trigger, String by) {
    JobParams.check(name, params);
    Properties p = new Properties();
    params.forEach(p::setProperty);
    p.setProperty(JobParams.TRIGGER, trigger);
    p.setProperty(JobParams.REQUESTED_BY, by);
    try {
      return get(operator().start(name, p));
    } catch (JobStartException | JobSecurityException e) {
      throw new QuerysubException(
          ErrorCode.UNAVAILABLE, "the batch runtime did not start " + name + ": " + e.getMessage());
    }
  }

  /**
   * Restarts a failed or stopped execution from its last checkpoint, with its parameters.
   *
   * @throws QuerysubException {@code NOT_FOUND}, or {@code CONFLICT} when it cannot be restarted
   *     (it completed, runs, or a later execution of it exists)
   */
  public JobView restart(long id) {
    Properties params = execution(id) == null ? null : operator().getParameters(id);
    try {
      return get(operator().restart(id, params));
    } catch (JobRestartException
        | jakarta.batch.operations.JobExecutionAlreadyCompleteException
        | jakarta.batch.operations.JobExecutionNotMostRecentException e) {
      throw new QuerysubException(
          ErrorCode.CONFLICT, "execution " + id + " cannot be restarted: " + e.getMessage());
    }
  }

  /** Asks a running execution to stop after its current chunk (restartable from there). */
  public JobView stop(long id) {
    execution(id);
    try {
      operator().stop(id);
    } catch (jakarta.batch.operations.JobExecutionNotRunningException e) {
      throw new QuerysubException(ErrorCode.CONFLICT, "execution " + id + " is not running");
    }
    return get(id);
  }

  /** True while an execution of {@code name} is starting or running on this node. */
  public boolean running(String name) {
    try {
      return !operator().getRunningExecutions(name).isEmpty();
    } catch (NoSuchJobException e) {
      return false;
    }
  }

  /**
   * The newest executions, newest first, of one job or of all.
   *
   * @throws QuerysubException {@code UNAVAILABLE} when the runtime's listing kept failing
   */
  public List<JobView> list(String name, int limit) {
    List<JobView> out = new ArrayList<>();
    for (String job : JobParams.jobs()) {
      if (name == null || name.equals(job)) {
        out.addAll(executions(job, limit));
      }
    }
    out.sort(Comparator.comparingLong(JobView::id).reversed());
    return out.size() > limit ? out.subList(0, limit) : out;
  }

  /**
   * The executions of the newest {@code limit} instances of {@code job}. The runtime (IBM JBatch)
   * throws a NullPointerException when it lists an instance that a job starting at that moment has
   * not finished creating: the listing is taken again, a few times.
   */
  private List<JobView> executions(String job, int limit) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      try {
        List<JobView> out = new ArrayList<>();
        for (JobInstance i : operator().getJobInstances(job, 0, limit)) {
          for (JobExecution e : operator().getJobExecutions(i)) {
            out.add(view(e, i.getInstanceId()));
          }
        }
        return out;
      } catch (NoSuchJobException e) {
        return List.of();
      } catch (NullPointerException e) {
        last = e;
        try {
          Thread.sleep(20L << attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    throw new QuerysubException(
        ErrorCode.UNAVAILABLE,
        "the batch runtime could not list the executions of " + job + ": " + last);
  }

  /**
   * @throws QuerysubException {@code NOT_FOUND} when there is no such execution
   */
  public JobView get(long id) {
    JobExecution e = execution(id);
    return view(e, operator().getJobInstance(id).getInstanceId());
  }

  private JobExecution execution(long id) {
    try {
      return operator().getJobExecution(id);
    } catch (NoSuchJobExecutionException e) {
      throw new QuerysubException(ErrorCode.NOT_FOUND, "no job execution " + id);
    }
  }

  private JobView view(JobExecution e, long instance) {
    Map<String, String> params = new TreeMap<>();
    Properties p = e.getJobParameters();
    if (p != null) {
      p.stringPropertyNames().forEach(k -> params.put(k, p.getProperty(k)));
    }
    List<JobView.Step> steps = new ArrayList<>();
    Map<String, Object> result = new LinkedHashMap<>();
    for (StepExecution s : operator().getStepExecutions(e.getExecutionId())) {
      Map<String, Long> metrics = new TreeMap<>();
      if (s.getMetrics() != null) {
        for (Metric m : s.getMetrics()) {
          metrics.put(m.getType().name(), m.getValue());
        }
      }
      steps.add(
          new JobView.Step(
              s.getStepName(),
              s.getBatchStatus() == null ? null : s.getBatchStatus().name(),
              s.getExitStatus(),
              millis(s.getStartTime()),
              millis(s.getEndTime()),
              metrics));
      Serializable data = s.getPersistentUserData();
      if (data instanceof Map<?, ?> m) {
        m.forEach((k, v) -> result.put(String.valueOf(k), v));
      }
    }
    String exit = e.getExitStatus();
    String error = null;
    if (e.getBatchStatus() == BatchStatus.FAILED) {
      // The reason is the job's exit status; the runtime may show the job FAILED a moment before
      // it stores that, and the failed step's own exit status (stored first) says the same.
      List<String> reasons = new ArrayList<>();
      reasons.add(exit);
      steps.forEach(s -> reasons.add(s.exitStatus()));
      error = "failed (see the server log)";
      for (String r : reasons) {
        if (r != null && r.startsWith(FAILED)) {
          error = r.substring(FAILED.length());
          break;
        }
      }
    }
    return new JobView(
        e.getExecutionId(),
        instance,
        e.getJobName(),
        e.getBatchStatus() == null ? null : e.getBatchStatus().name(),
        exit,
        error,
        params,
        millis(e.getCreateTime()),
        millis(e.getStartTime()),
        millis(e.getEndTime()),
        progress.get(e.getExecutionId()).map(Progress::view).orElse(null),
        result,
        steps);
  }

  private static Long millis(Date d) {
    return d == null ? null : d.getTime();
  }
}
