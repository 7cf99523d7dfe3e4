package io.querysub.web.protocol;

import jakarta.json.JsonValue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /api/v1/calls/{name}}: the caller's id for this call (a retry with the same id
 * returns the first call's outcome and never runs the function twice) and the arguments.
 */
public record CallRequest(@NotNull @Size(min = 1, max = 128) String callId, JsonValue args) {}
