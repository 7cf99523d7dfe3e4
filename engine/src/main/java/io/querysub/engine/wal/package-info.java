/**
 * The write-ahead log: every accepted commit is appended to segment files under the node's data
 * directory and group-committed with {@code FileChannel.force}; on start the log is read back
 * (cutting a torn tail) and replayed into the store. {@link io.querysub.engine.wal.WriteAheadLog}
 * says what is on disk when each call returns; the file format is in {@code docs/wal-format.md}.
 * {@code internal} holds the record codec and the segment files.
 */
package io.querysub.engine.wal;
