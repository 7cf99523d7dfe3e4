package io.querysub.engine.archive;

import io.querysub.engine.version.Version;
import java.time.Instant;

/**
 * Where archiving stands, for health checks and metrics.
 *
 * @param store the store's description
 * @param degraded true while the last attempt failed (the store is unreachable or refused a write);
 *     writes are still accepted, the write-ahead log keeps them, and nothing local is deleted
 * @param lastError the last failure's message, or null
 * @param lastErrorAt when it happened, or null
 * @param lastSuccessAt when a round last completed, or null
 * @param pendingWrites golden writes waiting to be archived
 * @param archivedUpTo every golden write at or below this version is archived
 * @param manifestSequence the sequence of the current manifest (0 before the first)
 * @param segments segments the current manifest lists
 * @param rounds rounds completed
 * @param failures rounds failed
 * @param nextAttemptMillis the wait before the next attempt
 */
public record ArchiveStatus(
    String store,
    boolean degraded,
    String lastError,
    Instant lastErrorAt,
    Instant lastSuccessAt,
    long pendingWrites,
    Version archivedUpTo,
    long manifestSequence,
    int segments,
    long rounds,
    long failures,
    long nextAttemptMillis) {
  /** The same status with the count of waiting writes as it is now. */
  public ArchiveStatus withPendingWrites(long n) {
    return new ArchiveStatus(
        store,
        degraded,
        lastError,
        lastErrorAt,
        lastSuccessAt,
        n,
        archivedUpTo,
        manifestSequence,
        segments,
        rounds,
        failures,
        nextAttemptMillis);
  }
}
