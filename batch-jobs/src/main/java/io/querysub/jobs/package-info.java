/**
 * Jakarta Batch jobs over the archive: {@code archive-merge}, {@code backup}, {@code restore} and
 * {@code verify} (job XML in {@code META-INF/batch-jobs}), their schedules, progress and the leases
 * that keep one merge or backup of a partition at a time (docs/backups.md).
 *
 * <p>Every job is one chunk step over numbered items read by {@link io.querysub.jobs.WorkReader}
 * and done by a {@link io.querysub.jobs.JobWork}; the checkpoint is the job's {@link
 * io.querysub.jobs.Cursor}. The work itself is the engine's ({@code io.querysub.engine.backup}).
 */
package io.querysub.jobs;
