package io.querysub.web.error;

import io.querysub.engine.error.QuerysubException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Refusals with a stable code: status from {@link ErrorStatus}, message and path as thrown. */
@Provider
public class QuerysubExceptionMapper implements ExceptionMapper<QuerysubException> {
  @Override
  public Response toResponse(QuerysubException e) {
    return ErrorStatus.response(e);
  }
}
