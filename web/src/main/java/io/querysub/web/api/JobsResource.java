package io.querysub.web.api;

import io.querysub.core.auth.Caller;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.jobs.JobConfig;
import io.querysub.jobs.JobView;
import io.querysub.jobs.Jobs;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/jobs}: starts, lists, describes, restarts and stops batch jobs (docs/backups.md).
 * Every call needs the role {@code querysub.jobs.role} ({@code admin}).
 */
@Path("jobs")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {
  @Inject RequestCaller caller;
  @Inject Jobs jobs;
  @Inject JobConfig config;
  @jakarta.ws.rs.core.Context UriInfo uri;

  private Caller allowed() {
    Caller c = caller.get();
    String role = config.settings().role();
    if (!c.isSystem() && !c.hasRole(role)) {
      throw new QuerysubException(
          ErrorCode.PERMISSION_DENIED, "job control needs the role '" + role + "'");
    }
    return c;
  }

  /** Starts a job; the body is an optional JSON object of its parameters. 202 with its status. */
  @POST
  @Path("{name: [a-z][a-z-]*}")
  public Response start(@PathParam("name") String name, InputStream body) {
    Caller c = allowed();
    JobView v = jobs.start(name, params(RequestBodies.readAll(body)), "rest", c.id());
    return Response.accepted(v)
        .location(uri.getBaseUriBuilder().path("jobs/" + v.id()).build())
        .build();
  }

  @GET
  public List<JobView> list(
      @QueryParam("name") String name, @QueryParam("limit") @DefaultValue("50") int limit) {
    allowed();
    if (limit < 1 || limit > 1000) {
      throw new QuerysubException(ErrorCode.INVALID_ARGUMENT, "limit must be in 1..1000");
    }
    return jobs.list(name, limit);
  }

  @GET
  @Path("{id: [0-9]+}")
  public JobView get(@PathParam("id") long id) {
    allowed();
    return jobs.get(id);
  }

  @POST
  @Path("{id: [0-9]+}/restart")
  public Response restart(@PathParam("id") long id) {
    allowed();
    JobView v = jobs.restart(id);
    return Response.accepted(v)
        .location(uri.getBaseUriBuilder().path("jobs/" + v.id()).build())
        .build();
  }

  @POST
  @Path("{id: [0-9]+}/stop")
  public JobView stop(@PathParam("id") long id) {
    allowed();
    return jobs.stop(id);
  }

  /** A JSON object of strings, numbers and booleans to text parameters. */
  static Map<String, String> params(byte[] body) {
    Map<String, String> out = new LinkedHashMap<>();
    if (body.length == 0) {
      return out;
    }
    JsonValue v;
    try (JsonReader r = Json.createReader(new ByteArrayInputStream(body))) {
      v = r.readValue();
    } catch (JsonException e) {
      throw new QuerysubException(
          ErrorCode.BAD_REQUEST, "the body must be a JSON object of job parameters");
    }
    if (v.getValueType() != JsonValue.ValueType.OBJECT) {
      throw new QuerysubException(
          ErrorCode.BAD_REQUEST, "the body must be a JSON object of job parameters");
    }
    for (Map.Entry<String, JsonValue> e : ((JsonObject) v).entrySet()) {
      JsonValue x = e.getValue();
      switch (x.getValueType()) {
        case STRING -> out.put(e.getKey(), ((JsonString) x).getString());
        case NUMBER, TRUE, FALSE -> out.put(e.getKey(), x.toString());
        default ->
            throw new QuerysubException(
                ErrorCode.INVALID_ARGUMENT,
                e.getKey() + ": a job parameter is a string, a number or a boolean");
      }
    }
    return out;
  }
}
