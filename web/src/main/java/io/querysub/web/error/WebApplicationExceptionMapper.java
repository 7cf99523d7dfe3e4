package io.querysub.web.error;

import io.querysub.engine.error.ErrorCode;
import io.querysub.web.protocol.ErrorResponse;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * What JAX-RS refuses before a resource runs: no such route (404), wrong method (405), unsupported
 * media type (415), not acceptable (406). The status is kept; the body takes the error shape.
 */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {
  @Context UriInfo uri;
  @Context Request request;

  @Override
  public Response toResponse(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    ErrorCode code = ErrorStatus.codeOf(status);
    String what = request.getMethod() + " /" + uri.getPath();
    String message =
        switch (status) {
          case 404 -> "no such endpoint: " + what;
          case 405 -> "method not allowed: " + what;
          case 406 -> "not acceptable: this API answers application/json";
          case 415 -> "unsupported media type for " + what;
          default -> status + " " + e.getResponse().getStatusInfo().getReasonPhrase();
        };
    return ErrorStatus.response(status, ErrorResponse.of(code.name(), message, null));
  }
}
