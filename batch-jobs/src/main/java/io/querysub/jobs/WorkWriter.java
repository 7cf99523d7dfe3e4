package io.querysub.jobs;

import jakarta.batch.api.chunk.AbstractItemWriter;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Ends each chunk: publishes the job's progress and keeps its report as the step's persistent user
 * data (what {@code GET /api/v1/jobs/{id}} shows as {@code result}).
 */
@Named("workWriter")
@Dependent
public class WorkWriter extends AbstractItemWriter {
  @Inject StepContext step;

  @Override
  public void writeItems(List<Object> items) {
    Running r = (Running) step.getTransientUserData();
    r.progress().update(r.cursor());
    step.setPersistentUserData(new LinkedHashMap<>(r.cursor().report));
  }
}
