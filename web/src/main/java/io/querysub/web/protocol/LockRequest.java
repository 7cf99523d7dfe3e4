package io.querysub.web.protocol;

import io.querysub.core.data.LockText;
import jakarta.validation.constraints.NotNull;

/** A read the transaction depends on: the version of {@code path} (or its child list) it saw. */
public record LockRequest(@NotNull String path, @NotNull String version) implements LockText {}
