package io.querysub.web.error;

import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.web.protocol.ErrorResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The HTTP status of each error code, and the response that carries it. */
public final class ErrorStatus {
  private ErrorStatus() {}

  public static int of(ErrorCode code) {
    return switch (code) {
      case PATH_INVALID,
          VERSION_INVALID,
          VALUE_INVALID,
          BAD_REQUEST,
          LIMIT_EXCEEDED,
          INVALID_ARGUMENT ->
          400;
      case UNKNOWN_FUNCTION -> 404;
      case FUNCTION_ERROR -> 422;
      case PERMISSION_DENIED -> 403;
      case UNAUTHENTICATED -> 401;
      case NOT_FOUND -> 404;
      case HISTORY_INCOMPLETE -> 410;
      case CONFLICT, TOO_OLD -> 409;
      case VALUE_TOO_LARGE, REQUEST_TOO_LARGE -> 413;
      case METHOD_NOT_ALLOWED -> 405;
      case UNAVAILABLE -> 503;
      case TIMEOUT -> 504;
      case INTERNAL -> 500;
    };
  }

  /** The code a bare HTTP status stands for, when the container or JAX-RS refused on its own. */
  public static ErrorCode codeOf(int status) {
    return switch (status) {
      case 404 -> ErrorCode.NOT_FOUND;
      case 403 -> ErrorCode.PERMISSION_DENIED;
      case 401 -> ErrorCode.UNAUTHENTICATED;
      case 409 -> ErrorCode.CONFLICT;
      case 413 -> ErrorCode.REQUEST_TOO_LARGE;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 503 -> ErrorCode.UNAVAILABLE;
      case 504, 408 -> ErrorCode.TIMEOUT;
      default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.BAD_REQUEST;
    };
  }

  public static Response response(QuerysubException e) {
    return response(of(e.code()), ErrorResponse.of(e.code().name(), e.getMessage(), e.path()));
  }

  public static Response response(int status, ErrorResponse body) {
    return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
  }
}
