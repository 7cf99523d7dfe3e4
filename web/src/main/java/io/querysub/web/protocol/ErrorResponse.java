package io.querysub.web.protocol;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * Every refusal: a stable {@code code} (see {@code ErrorCode}), a message for people, the path it
 * is about ({@code null} when none; always present so clients need not test for the key), and,
 * where one applies, a version (the version to lock on for NOT_FOUND, the breaking write for
 * CONFLICT).
 */
@JsonbPropertyOrder({"code", "message", "path", "version"})
public record ErrorResponse(
    String code, String message, @JsonbNillable String path, String version) {

  public static ErrorResponse of(String code, String message, String path) {
    return new ErrorResponse(code, message, path, null);
  }
}
