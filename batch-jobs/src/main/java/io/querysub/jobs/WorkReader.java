package io.querysub.jobs;

import jakarta.batch.api.chunk.AbstractItemReader;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.Properties;

/**
 * Reads a job's item numbers, from its checkpoint on. Opening it plans the job (or takes up a
 * restarted one) through the job's {@link JobWork}; the checkpoint is the {@link Cursor}.
 */
@Named("workReader")
@Dependent
public class WorkReader extends AbstractItemReader {
  @Inject JobContext job;
  @Inject StepContext step;
  @Inject JobWorks works;
  @Inject JobProgress progress;

  private Running running;

  @Override
  public void open(Serializable checkpoint) throws Exception {
    Properties params = BatchRuntime.getJobOperator().getParameters(job.getExecutionId());
    JobWork work = works.create(job.getJobName(), job.getExecutionId());
    try {
      Cursor c = work.open((Cursor) checkpoint, params == null ? new Properties() : params);
      running = new Running(work, c, progress.start(job.getExecutionId(), c));
    } catch (Exception | Error e) {
      work.close();
      FailureListener.record(job, step, e);
      throw e;
    }
    step.setTransientUserData(running);
    step.setPersistentUserData(new java.util.LinkedHashMap<>(running.cursor().report));
  }

  @Override
  public Object readItem() {
    Cursor c = running.cursor();
    return c.next < c.total ? c.next++ : null;
  }

  @Override
  public Serializable checkpointInfo() {
    return running.cursor();
  }

  @Override
  public void close() {
    if (running != null) {
      running.work().close();
    }
  }
}
