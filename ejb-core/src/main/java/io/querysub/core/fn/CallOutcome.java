package io.querysub.core.fn;

import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.version.Version;
import java.util.List;

/**
 * What became of a call: {@code OK} with the function's result (JSON text) and the version its
 * writes got, {@code FAILED} with a code and message (nothing the function wrote was applied), or
 * {@code RUNNING} when the call is still being run elsewhere.
 *
 * @param fields for {@code INVALID_ARGUMENT}: each bad field and what is wrong with it
 * @param attempts how many runs the call took
 */
public record CallOutcome(
    String callId,
    String function,
    Status status,
    String resultJson,
    Version version,
    ErrorCode code,
    String message,
    List<FieldError> fields,
    int attempts) {
  /** The state of a call. */
  public enum Status {
    OK,
    FAILED,
    RUNNING
  }

  /** One bad argument field. */
  public record FieldError(String field, String message) {}

  static CallOutcome ok(String callId, String function, String result, Version v, int attempts) {
    return new CallOutcome(callId, function, Status.OK, result, v, null, null, List.of(), attempts);
  }

  static CallOutcome failed(
      String callId,
      String function,
      ErrorCode code,
      String message,
      List<FieldError> fields,
      int attempts) {
    return new CallOutcome(
        callId, function, Status.FAILED, null, null, code, message, fields, attempts);
  }
}
