package io.querysub.websocket.client;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

/**
 * A transaction to commit: the versions it read (as locks) and the writes to make, all at one new
 * version if every lock still holds. Not thread-safe; build, then pass to {@link
 * SyncClient#commit}.
 */
public final class Tx {
  private final JsonArrayBuilder reads = SyncClient.JSON.createArrayBuilder();
  private final JsonArrayBuilder childReads = SyncClient.JSON.createArrayBuilder();
  private final JsonArrayBuilder writes = SyncClient.JSON.createArrayBuilder();

  public static Tx create() {
    return new Tx();
  }

  /** The transaction saw {@code path} at {@code version} ({@code "0"}: saw nothing). */
  public Tx read(String path, String version) {
    reads.add(SyncClient.JSON.createObjectBuilder().add("path", path).add("version", version));
    return this;
  }

  /** The transaction listed the child keys of {@code path} as of {@code version}. */
  public Tx childRead(String path, String version) {
    childReads.add(SyncClient.JSON.createObjectBuilder().add("path", path).add("version", version));
    return this;
  }

  /**
   * The transaction saw what {@code earlier} (a commit of the same client, answered or not) wrote
   * at {@code path}; if {@code earlier} is rejected, this commit is rejected too.
   */
  public Tx readAfter(String path, PendingCommit earlier) {
    reads.add(
        SyncClient.JSON
            .createObjectBuilder()
            .add("path", path)
            .add("commit", Long.parseLong(earlier.id())));
    return this;
  }

  /** The transaction listed the child keys of {@code path} as of {@code earlier}'s version. */
  public Tx childReadAfter(String path, PendingCommit earlier) {
    childReads.add(
        SyncClient.JSON
            .createObjectBuilder()
            .add("path", path)
            .add("commit", Long.parseLong(earlier.id())));
    return this;
  }

  /** Stores {@code value} (any JSON, {@link JsonValue#NULL} included) at {@code path}. */
  public Tx set(String path, JsonValue value) {
    writes.add(SyncClient.JSON.createObjectBuilder().add("path", path).add("value", value));
    return this;
  }

  /** Stores the JSON number {@code n} at {@code path}. */
  public Tx set(String path, long n) {
    return set(path, SyncClient.JSON.createValue(n));
  }

  /** Deletes {@code path}. */
  public Tx delete(String path) {
    writes.add(SyncClient.JSON.createObjectBuilder().add("path", path).add("delete", true));
    return this;
  }

  JsonObjectBuilder toJson() {
    return SyncClient.JSON
        .createObjectBuilder()
        .add("reads", reads)
        .add("childReads", childReads)
        .add("writes", writes);
  }
}
