package io.querysub.engine.store;

import io.querysub.engine.version.Version;

/**
 * The outcome of a commit: its version and state, and the conflict when it was rejected.
 *
 * @param ticket the commit's record in the store's {@link CommitJournal} (see {@link
 *     Store#whenDurable}), 0 when nothing was recorded (rejected, read-only, or no journal)
 */
public record CommitResult(Version version, Validity validity, Conflict conflict, long ticket) {
  public CommitResult(Version version, Validity validity, Conflict conflict) {
    this(version, validity, conflict, 0);
  }

  public boolean isValid() {
    return validity == Validity.VALID;
  }
}
