package io.querysub.web.api;

import io.querysub.core.fn.CallOutcome;
import io.querysub.core.fn.Functions;
import io.querysub.engine.error.ErrorCode;
import io.querysub.web.error.ErrorStatus;
import io.querysub.web.protocol.CallRequest;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;

/**
 * {@code POST /api/v1/calls/{name}} with {@code {"callId", "args"}}: runs a server function and
 * answers with its outcome once it is known (the request thread is not held meanwhile). 200 when
 * the call succeeded; otherwise the status of its error code (400 {@code INVALID_ARGUMENT}, 404
 * {@code UNKNOWN_FUNCTION}, 409 {@code CONFLICT}, 422 {@code FUNCTION_ERROR}, 504 {@code TIMEOUT}).
 * A call id seen before answers with the first call's outcome.
 */
@Path("calls/{name}")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class CallsResource {
  @Inject Functions functions;
  @Inject WireJson wire;
  @Inject RequestCaller caller;

  @POST
  public void call(
      @PathParam("name") String name, InputStream body, @Suspended AsyncResponse response) {
    CallRequest req = wire.read(RequestBodies.readAll(body), CallRequest.class);
    functions
        .call(name, req.callId(), req.args(), caller.get())
        .whenComplete(
            (o, e) -> {
              if (e != null) {
                response.resume(e);
              } else {
                response.resume(toResponse(o));
              }
            });
  }

  static Response toResponse(CallOutcome o) {
    int status =
        switch (o.status()) {
          case OK -> 200;
          case RUNNING -> 202;
          case FAILED -> ErrorStatus.of(o.code() == null ? ErrorCode.INTERNAL : o.code());
        };
    return Response.status(status).type(MediaType.APPLICATION_JSON).entity(CallJson.of(o)).build();
  }
}
