package io.querysub.jobs;

import java.util.List;
import java.util.Map;

/**
 * A job execution as {@code GET /api/v1/jobs/{id}} shows it.
 *
 * @param id the execution id (a restart is a new execution of the same instance)
 * @param instance the job instance id
 * @param name the job
 * @param status the batch status: STARTING, STARTED, STOPPING, STOPPED, FAILED, COMPLETED,
 *     ABANDONED
 * @param exitStatus the job's exit status ({@code FAILED: why} when it failed)
 * @param error why it failed, or null
 * @param parameters what it was started with (with {@code trigger} and {@code requestedBy})
 * @param createdAt when it was started (epoch milliseconds)
 * @param startedAt when it began to run, or null
 * @param endedAt when it ended, or null
 * @param progress how far it is (null on a node that did not run it)
 * @param result what the job reports (backup id, digest, counts...)
 * @param steps its steps with the batch runtime's metrics
 */
public record JobView(
    long id,
    long instance,
    String name,
    String status,
    String exitStatus,
    String error,
    Map<String, String> parameters,
    Long createdAt,
    Long startedAt,
    Long endedAt,
    Progress.View progress,
    Map<String, Object> result,
    List<Step> steps) {

  /**
   * A step's execution.
   *
   * @param metrics the batch runtime's step metrics by name ({@code READ_COUNT}, {@code
   *     WRITE_COUNT}, {@code COMMIT_COUNT}, {@code ROLLBACK_COUNT}, {@code PROCESS_SKIP_COUNT},
   *     ...)
   */
  public record Step(
      String name,
      String status,
      String exitStatus,
      Long startedAt,
      Long endedAt,
      Map<String, Long> metrics) {}
}
