package io.querysub.web.api;

import io.querysub.core.fn.FunctionDef;
import io.querysub.core.fn.FunctionStats;
import io.querysub.core.fn.Functions;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/functions}: every server function with its argument type, the constraints on
 * the argument and on each of its fields, and its time limit. {@code GET /api/v1/functions/stats}:
 * each function's counters (calls, failures by code, mean and p99 duration, read locks and reruns
 * per call, rejection rate).
 */
@Path("functions")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class FunctionsResource {
  @Inject Functions functions;

  @GET
  public List<FunctionDef.Info> list() {
    return functions.describe();
  }

  @GET
  @Path("stats")
  public Map<String, FunctionStats.Snapshot> stats() {
    Map<String, FunctionStats.Snapshot> out = new LinkedHashMap<>();
    for (FunctionDef d : functions.registry().all()) {
      out.put(d.name(), functions.stats(d.name()).snapshot());
    }
    return out;
  }
}
