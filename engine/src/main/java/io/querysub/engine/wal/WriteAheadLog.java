package io.querysub.engine.wal;

import io.querysub.engine.store.CommitJournal;
import io.querysub.engine.store.Write;
import io.querysub.engine.version.Version;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The node's write-ahead log of accepted commits (a {@link CommitJournal} for the store).
 *
 * <p>Records go into segment files one after the other, in append order. A background thread writes
 * the records appended since its last sync to the current segment and calls {@code
 * FileChannel.force}, at most once every flush interval ({@code querysub.walFlushMillis}; with 0 it
 * syncs as soon as records are waiting), so concurrent commits share one sync. Durability is a
 * prefix: when a ticket is durable, so is every ticket below it.
 *
 * <p>Threading: every method is safe from any thread.
 */
public interface WriteAheadLog extends CommitJournal, AutoCloseable {
  /**
   * Puts a commit's record into the log's memory buffer, after every record appended before it, and
   * returns its ticket. <b>When this returns nothing of the record is on disk</b>: a crash now
   * loses it. It reaches the segment file and the disk with the next sync; see {@link
   * #whenDurable}.
   *
   * @throws io.querysub.engine.error.QuerysubException {@code UNAVAILABLE} when the log failed (a
   *     write or sync threw) or is closed; the record was not appended
   */
  @Override
  long append(Version version, List<Write> writes);

  /**
   * A future that completes (on the log's sync thread, or at once) when the record of {@code
   * ticket} and every record before it have been written to their segment file and {@code
   * FileChannel.force} has returned for it: they survive a crash of the process and of the machine
   * (as far as the disk honours a sync). Completes exceptionally with the failure when the log
   * failed before that; such a record may or may not be replayed on restart.
   */
  @Override
  CompletableFuture<Void> whenDurable(long ticket);

  /**
   * Blocks until {@code ticket} is durable, with the same guarantee as {@link #whenDurable}.
   *
   * @throws WalException when the log failed before the ticket was durable
   */
  void awaitDurable(long ticket) throws InterruptedException;

  /** The ticket of the last record appended (0 when none since open). */
  @Override
  long lastTicket();

  /** The highest ticket known durable. */
  long durableTicket();

  /**
   * Deletes closed segment files all of whose records have versions at or below {@code version}:
   * the hook for archiving, which calls it once everything up to {@code version} is copied and
   * verified elsewhere. The current segment is never deleted. Each deletion is final when this
   * returns (the directory is synced). The archiver calls it after each manifest it writes.
   *
   * @return how many segment files were deleted
   */
  int deleteUpTo(Version version);

  /**
   * Writes and syncs every record appended so far, then closes the files: when this returns every
   * ticket handed out is durable (unless the log had failed). Further appends are refused.
   */
  @Override
  void close();
}
