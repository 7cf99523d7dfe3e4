package io.querysub.engine.store;

import io.querysub.engine.version.Version;

/** The outcome of a commit: its version and state, and the conflict when it was rejected. */
public record CommitResult(Version version, Validity validity, Conflict conflict) {
  public boolean isValid() {
    return validity == Validity.VALID;
  }
}
