package io.querysub.web.error;

import io.querysub.engine.error.ErrorCode;
import io.querysub.web.protocol.ErrorResponse;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Anything unforeseen: 500 {@code INTERNAL} with an incident id that also appears in the server log
 * beside the stack trace, so a report can be matched without showing internals to clients.
 */
@Provider
public class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {
  private static final Logger LOG = Logger.getLogger(UnexpectedExceptionMapper.class.getName());

  @Override
  public Response toResponse(Throwable e) {
    String incident = UUID.randomUUID().toString();
    LOG.log(Level.SEVERE, "unexpected failure, incident " + incident, e);
    return ErrorStatus.response(
        500,
        ErrorResponse.of(
            ErrorCode.INTERNAL.name(),
            "unexpected server error (incident " + incident + ")",
            null));
  }
}
