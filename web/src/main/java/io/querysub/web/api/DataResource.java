package io.querysub.web.api;

import io.querysub.core.data.DataService;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.ReadResult;
import io.querysub.engine.store.Value;
import io.querysub.engine.version.Version;
import io.querysub.web.error.ErrorStatus;
import io.querysub.web.protocol.ErrorResponse;
import io.querysub.web.protocol.RawJsonWriter;
import io.querysub.web.protocol.VersionResponse;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;

/**
 * One path's value: {@code GET}, {@code PUT} (the body is the value, any JSON), {@code DELETE}. The
 * body of a PUT is stored as the exact bytes sent, once checked to be one JSON value. A PUT or
 * DELETE answers once its write is durable (in the write-ahead log on disk).
 */
@jakarta.ws.rs.Path("data/{path: .*}")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class DataResource {
  @Inject DataService data;
  @Inject RequestCaller caller;
  @Context UriInfo uri;

  /** 200 with the value, or 404 NOT_FOUND still carrying the version to lock on. */
  @GET
  public Response get() {
    ReadResult r = data.read(caller.get(), PathParams.path(uri));
    if (!r.exists()) {
      String why =
          r.version().isZero() ? "nothing was ever stored at " : "the value was deleted at ";
      return ErrorStatus.response(
          404,
          new ErrorResponse(
              ErrorCode.NOT_FOUND.name(),
              why + r.path(),
              r.path().toString(),
              r.version().toString()));
    }
    return Response.ok(RawJsonWriter.data(r)).build();
  }

  @PUT
  public VersionResponse put(InputStream body) {
    Path path = PathParams.path(uri);
    Value value = data.value(RequestBodies.readAll(body), path);
    return versioned(data.write(caller.get(), path, value));
  }

  @DELETE
  public VersionResponse delete() {
    return versioned(data.write(caller.get(), PathParams.path(uri), Value.ABSENT));
  }

  private static VersionResponse versioned(Version v) {
    return new VersionResponse(v.toString());
  }
}
