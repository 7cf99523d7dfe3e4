package io.querysub.engine.store;

import io.querysub.engine.path.Path;
import io.querysub.engine.version.Version;

/**
 * Why a commit was rejected: the lock on {@code path} broke. {@code version} is the write that
 * broke it (a valid write inside the lock's interval), or, when the write that was read is missing
 * or itself rejected, the lock's read version. {@code children} tells a children lock.
 */
public record Conflict(Path path, Version version, boolean children, String reason) {}
