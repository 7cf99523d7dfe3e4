package io.querysub.engine.archive;

import java.io.IOException;
import java.util.List;

/**
 * Where archives live: a flat space of immutable objects named by keys ({@code a/b/c}, ASCII
 * letters, digits, {@code - _ . /}). Two implementations: a local directory (the default) and S3
 * through the MinIO client. Keys are never reused for different content: an archive writes each
 * object once and later deletes it; nothing is changed in place.
 *
 * <p>Threading: every method is safe from any thread. Every method may block on I/O.
 */
public interface ArchiveStore extends AutoCloseable {
  /**
   * Stores {@code bytes} under {@code key}, whole. When this returns the object is durable in the
   * store and its content was checked by the store against what was sent (a local file is synced
   * and renamed into place; S3 verifies a content checksum sent with the upload). A reader never
   * sees part of an object: it sees all of it or none.
   *
   * @throws IOException when the store is unreachable or refused the object; the object may then be
   *     absent or whole, never partial
   */
  void put(String key, byte[] bytes) throws IOException;

  /**
   * The bytes of the object under {@code key}.
   *
   * @throws ArchiveObjectNotFoundException when there is none
   * @throws IOException when the store is unreachable
   */
  byte[] get(String key) throws IOException;

  /** The size in bytes of the object under {@code key}, or -1 when there is none. */
  long size(String key) throws IOException;

  /**
   * Every key that starts with {@code prefix}, sorted. Archives use listings only to find manifests
   * and garbage, never to decide which segments hold data.
   */
  List<String> list(String prefix) throws IOException;

  /** Deletes the object under {@code key}; deleting an absent object is not an error. */
  void delete(String key) throws IOException;

  /** A one-line description for logs and health checks (kind and location, no credentials). */
  String describe();

  @Override
  void close();
}
