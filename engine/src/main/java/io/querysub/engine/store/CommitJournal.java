package io.querysub.engine.store;

import io.querysub.engine.version.Version;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where a {@link Store} records every commit it accepts, before applying it: a write-ahead log
 * ({@code io.querysub.engine.wal}), or {@link #NONE} for a store kept in memory only.
 *
 * <p>The store calls {@link #append} under the commit locks of every shard the commit writes, after
 * the commit was judged valid and before it is applied. So the records of one path are appended in
 * version order, and anything a reader can see was appended before whatever the reader then
 * commits.
 */
public interface CommitJournal {
  /** A journal that keeps nothing: every ticket is durable at once. */
  CommitJournal NONE =
      new CommitJournal() {
        @Override
        public long append(Version version, List<Write> writes) {
          return 0;
        }

        @Override
        public CompletableFuture<Void> whenDurable(long ticket) {
          return DONE;
        }

        @Override
        public long lastTicket() {
          return 0;
        }
      };

  /** A completed future, shared. */
  CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  /**
   * Records a commit and returns its ticket (positive, increasing in append order). What has
   * reached the disk when this returns is the implementation's to say; see {@link #whenDurable}.
   *
   * @throws io.querysub.engine.error.QuerysubException {@code UNAVAILABLE} when the journal can
   *     take no more records (it failed or was closed); the commit is then not applied
   */
  long append(Version version, List<Write> writes);

  /**
   * Completes once the record of {@code ticket}, and every record appended before it, is durable;
   * completes exceptionally when the journal failed before that. Ticket 0 is durable at once.
   */
  CompletableFuture<Void> whenDurable(long ticket);

  /**
   * The ticket of the last record appended (0 when none): once it is durable, so is every record
   * appended before this call returned.
   */
  long lastTicket();
}
