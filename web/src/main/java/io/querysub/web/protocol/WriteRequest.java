package io.querysub.web.protocol;

import jakarta.json.JsonValue;
import jakarta.validation.constraints.NotNull;

/**
 * One write: {@code value} is any JSON (JSON {@code null} included; a missing field is not null),
 * or {@code delete: true}. Both are kept as {@link JsonValue} so the resource can tell a missing
 * field from {@code null} and refuse a {@code delete} that is not a boolean.
 */
public record WriteRequest(@NotNull String path, JsonValue value, JsonValue delete) {}
