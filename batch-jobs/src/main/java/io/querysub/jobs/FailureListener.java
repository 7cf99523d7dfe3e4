package io.querysub.jobs;

import jakarta.batch.api.listener.AbstractStepListener;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/**
 * Says why a job failed: the exception that ended its step becomes the step's and the job's exit
 * status ({@code FAILED: <message>}), which the job status shows as {@code error}.
 */
@Named("failureListener")
@Dependent
public class FailureListener extends AbstractStepListener {
  @Inject JobContext job;
  @Inject StepContext step;

  @Override
  public void afterStep() {
    Exception e = step.getException();
    String exit = step.getExitStatus();
    if (e != null && (exit == null || !exit.startsWith("FAILED: "))) {
      record(job, step, e);
    }
  }

  /**
   * Records why a step failed as the step's and the job's exit status: the message of the first
   * exception in the chain that is not the batch runtime's wrapper. The reader and the processor
   * call this where they fail (the runtime does not hand every chunk failure to {@link
   * #afterStep}).
   */
  static void record(JobContext job, StepContext step, Throwable e) {
    Throwable t = e;
    while (t.getCause() != null
        && (t.getMessage() == null || t.getClass().getName().startsWith("com.ibm.jbatch"))) {
      t = t.getCause();
    }
    String why = t.getMessage() == null ? t.toString() : t.getMessage();
    step.setExitStatus("FAILED: " + why);
    job.setExitStatus("FAILED: " + why);
  }
}
