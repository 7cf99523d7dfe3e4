package io.querysub.jobs;

import jakarta.batch.api.chunk.ItemProcessor;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** Does one item of a job through its {@link JobWork}. */
@Named("workProcessor")
@Dependent
public class WorkProcessor implements ItemProcessor {
  @Inject JobContext job;
  @Inject StepContext step;

  @Override
  public Object processItem(Object item) throws Exception {
    Running r = (Running) step.getTransientUserData();
    try {
      r.work().process(r.cursor(), (Integer) item);
    } catch (Exception | Error e) {
      FailureListener.record(job, step, e);
      throw e;
    }
    return item;
  }
}
