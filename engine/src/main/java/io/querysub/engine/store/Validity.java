package io.querysub.engine.store;

/** The state of a commit's writes as clients see it. */
public enum Validity {
  /** Accepted, waiting for a remote authority to confirm a lock. */
  PENDING,
  VALID,
  REJECTED
}
