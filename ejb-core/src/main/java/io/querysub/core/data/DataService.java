package io.querysub.core.data;

import io.querysub.config.NodeSettings;
import io.querysub.core.auth.Caller;
import io.querysub.core.node.NodeEngine;
import io.querysub.core.node.StoreRef;
import io.querysub.core.perm.Permissions;
import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.engine.fail.FailPoints;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.ChildrenPage;
import io.querysub.engine.store.CommitResult;
import io.querysub.engine.store.History;
import io.querysub.engine.store.ReadLock;
import io.querysub.engine.store.ReadResult;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import io.querysub.engine.version.Version;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Reads, lists, writes and commits paths for clients. Refuses, before touching the store, system
 * paths ({@code PATH_INVALID}: they belong to the node), values over the size limit ({@code
 * VALUE_TOO_LARGE}) or not JSON ({@code VALUE_INVALID}) and transactions over the count limits
 * ({@code BAD_REQUEST}); so a refused call has applied nothing. Thread-safe and stateless.
 */
@ApplicationScoped
public class DataService {
  @Inject NodeEngine engine;
  @Inject NodeSettings settings;
  @Inject Permissions permissions;
  private volatile StoreRef ref; // the engine's, fetched once: a bean call per request costs
  private final StoreAccess.LockCache conditionLocks = new StoreAccess.LockCache();

  private Store store() {
    StoreRef r = ref;
    if (r == null) {
      r = engine.ref();
      ref = r;
    }
    return r.store();
  }

  /** For the container's proxy. */
  protected DataService() {}

  /** Outside a container (tests, tools), with permissions off. */
  public DataService(NodeEngine engine, NodeSettings settings) {
    this(engine, settings, Permissions.off());
  }

  /** Outside a container (tests, tools), checking {@code permissions}. */
  public DataService(NodeEngine engine, NodeSettings settings, Permissions permissions) {
    this.engine = engine;
    this.settings = settings;
    this.permissions = permissions;
  }

  /** The checks in force. */
  public Permissions permissions() {
    return permissions;
  }

  /**
   * The valid writes of a client path above {@code since}, and whether any were trimmed.
   *
   * @throws QuerysubException {@code PERMISSION_DENIED} when {@code caller} may not read it
   */
  public History history(Caller caller, Path path, Version since) {
    checkRead(caller, readablePath(path));
    return store().history(path, since);
  }

  /**
   * The current value of a client path and the version to lock on.
   *
   * @throws QuerysubException {@code PERMISSION_DENIED} when {@code caller} may not read it
   */
  public ReadResult read(Caller caller, Path path) {
    checkRead(caller, readablePath(path));
    return store().read(path);
  }

  /**
   * @throws QuerysubException {@code PERMISSION_DENIED} when {@code caller} may not read {@code
   *     path} (call records: only their own caller may)
   */
  public void checkRead(Caller caller, Path path) {
    if (!canRead(caller, path)) {
      throw new QuerysubException(
          ErrorCode.PERMISSION_DENIED, "no rule lets the caller read this path", path.toString());
    }
  }

  /** Whether {@code caller} may read {@code path} now. */
  public boolean canRead(Caller caller, Path path) {
    return canRead(caller, path, null);
  }

  /**
   * Whether {@code caller} may read {@code path} now, telling {@code seen} (if not null) every data
   * path the decision read: when one of them changes, the decision may change.
   */
  public boolean canRead(Caller caller, Path path, java.util.function.Consumer<Path> seen) {
    if (!permissions.applies(caller)) {
      return true;
    }
    if (isCallRecord(path)) {
      if (seen != null && path.size() >= 2) {
        seen.accept(path.prefix(2));
      }
      return ownCall(caller, path);
    }
    return permissions.canRead(
        caller,
        path,
        seen == null ? StoreAccess.reading(store()) : StoreAccess.reading(store(), seen));
  }

  /**
   * A call record (and what is below it) is the caller's own: it may read it; no one else may. The
   * listing of {@code /.calls} shows only the caller's own records.
   */
  private boolean ownCall(Caller caller, Path path) {
    if (path.size() < 2) {
      return path.size() == 1; // the listing itself: filtered per record
    }
    ReadResult r = store().read(path.prefix(2));
    if (!r.exists()) {
      return true; // watched before the call is made, to see its outcome
    }
    return caller.isNamedIn(JsonText.parse(r.value()));
  }

  /**
   * Whether {@code caller}'s right to read {@code path} may change with the data (a rule that reads
   * data; a call record, which becomes someone's when the call is made).
   */
  public boolean readDependsOnData(Caller caller, Path path) {
    if (!permissions.applies(caller)) {
      return false;
    }
    return isCallRecord(path) || permissions.readDependsOnData(caller, path);
  }

  /**
   * A page of child keys (system keys are never children of the root). With permissions on, the
   * keys {@code caller} may not read are left out, so a page may hold fewer than {@code limit}
   * keys; {@code next} still continues after the last key looked at.
   *
   * @param limit page size, or null for the configured default
   */
  public ChildrenPage children(
      Caller caller, Path parent, String after, Integer limit, boolean withValues) {
    if (!parent.isRoot()) {
      readablePath(parent);
    }
    ChildrenPage page = children(parent, after, limit, withValues);
    if (!permissions.applies(caller)) {
      return page;
    }
    List<ChildrenPage.Child> kept = new ArrayList<>(page.children().size());
    for (ChildrenPage.Child c : page.children()) {
      if (canRead(caller, parent.child(c.key()))) {
        kept.add(c);
      }
    }
    return kept.size() == page.children().size()
        ? page
        : new ChildrenPage(page.parent(), kept, page.readVersion(), page.next());
  }

  private ChildrenPage children(Path parent, String after, Integer limit, boolean withValues) {
    int max = settings.maxChildrenPage();
    int n = limit == null ? settings.defaultChildrenPage() : limit;
    if (n < 1 || n > max) {
      throw new QuerysubException(
          ErrorCode.BAD_REQUEST, "limit must be between 1 and " + max + ", got " + n);
    }
    return store().children(parent, after == null || after.isEmpty() ? null : after, n, withValues);
  }

  /** Checks JSON text sent by a client and wraps it, keeping the bytes as they came. */
  public Value value(byte[] utf8, Path path) {
    checkSize(utf8.length, path);
    JsonText.check(utf8, path.toString());
    return Value.ofJsonBytes(utf8);
  }

  /** Wraps a value already parsed from a larger body, as compact JSON text. */
  public Value value(JsonValue json, Path path) {
    byte[] bytes = JsonText.bytesOf(json);
    checkSize(bytes.length, path);
    return Value.ofJsonBytes(bytes);
  }

  /**
   * Stores one value (or a delete, with {@link Value#ABSENT}) and returns its version once the
   * write is durable: when this returns it is in the write-ahead log on disk and survives a crash.
   *
   * @throws QuerysubException {@code UNAVAILABLE} when the log failed before the write was durable
   */
  public Version write(Caller caller, Path path, Value value) {
    CommitResult r = commit(caller, List.of(), List.of(new Write(path, value)));
    if (!r.isValid()) {
      // Only a lock of a permission condition can break: the data it read changed meanwhile.
      throw new QuerysubException(
          ErrorCode.CONFLICT,
          "the data a permission rule read changed while writing; try again",
          r.conflict().path().toString());
    }
    store().awaitDurable(r);
    return r.version();
  }

  /**
   * Waits until a commit answered by {@link #commit} is durable (at once for a rejected or
   * read-only one): when this returns its writes are in the write-ahead log on disk.
   *
   * @throws QuerysubException {@code UNAVAILABLE} when the log failed before that
   */
  public void awaitDurable(CommitResult result) {
    store().awaitDurable(result);
  }

  /**
   * Completes once a commit answered by {@link #commit} is durable, and so is everything it read:
   * its writes are then in the write-ahead log on disk, and (durability being a prefix of the log)
   * every write it could have read. A valid commit without writes waits for what was visible when
   * it was judged; a rejected one completes at once. Completes exceptionally when the log failed
   * first. It may complete on the log's own thread: do little there.
   */
  public CompletableFuture<Void> whenDurable(CommitResult result) {
    Store s = store();
    return result.isValid() && result.ticket() == 0
        ? s.whenVisibleDurable()
        : s.whenDurable(result);
  }

  /**
   * Commits a transaction: its writes share one version when every lock still holds. A rejected
   * result is an answer, not an exception: nothing was stored and the conflict says why. Returns as
   * soon as the commit is applied (visible to readers), before it is durable: see {@link
   * #awaitDurable} and {@link #whenDurable}.
   */
  public CommitResult commit(Caller caller, List<ReadLock> locks, List<Write> writes) {
    checkTxSize(locks.size(), writes.size());
    for (ReadLock l : locks) {
      if (!l.path().isRoot()) {
        clientPath(l.path());
      }
    }
    for (Write w : writes) {
      clientPath(w.path());
      checkSize(w.value().size(), w.path());
    }
    Store s = store();
    if (!permissions.applies(caller)) {
      return s.commit(locks, writes);
    }
    // Every lock is a read (a broken lock tells whether the path changed); a child lock reads the
    // parent's keys. The conditions' own reads become locks of the commit.
    StoreAccess access = StoreAccess.locking(s, conditionLocks);
    for (ReadLock l : locks) {
      if (!permissions.canRead(caller, l.path(), access)) {
        throw new QuerysubException(
            ErrorCode.PERMISSION_DENIED,
            "no rule lets the caller read this path, so it cannot lock it",
            l.path().toString());
      }
    }
    for (Write w : writes) {
      permissions.checkWrite(caller, w.path(), () -> JsonText.parse(w.value()), access);
    }
    FailPoints.hit(FailPoints.PERM_AFTER_CHECK);
    List<ReadLock> extra = access.locks();
    if (extra.isEmpty()) {
      return s.commit(locks, writes);
    }
    List<ReadLock> all = new ArrayList<>(locks.size() + extra.size());
    all.addAll(locks);
    all.addAll(extra);
    return s.commit(all, writes);
  }

  /**
   * Refuses a transaction over the count limits; callers check this before parsing a large request
   * in full.
   */
  /**
   * The engine locks of a client's value reads and child reads (the root may be listed, not read);
   * refuses bad paths ({@code PATH_INVALID}) and versions ({@code VERSION_INVALID}).
   */
  public static List<ReadLock> locks(
      List<? extends LockText> reads, List<? extends LockText> childReads) {
    List<ReadLock> locks = new ArrayList<>(reads.size() + childReads.size());
    for (LockText r : reads) {
      locks.add(ReadLock.value(Path.parse(r.path()), Version.parse(r.version())));
    }
    for (LockText r : childReads) {
      locks.add(ReadLock.children(Path.parseAllowingRoot(r.path()), Version.parse(r.version())));
    }
    return locks;
  }

  public void checkTxSize(int locks, int writes) {
    if (writes > settings.maxTxWrites()) {
      throw new QuerysubException(
          ErrorCode.BAD_REQUEST,
          "a transaction may hold at most " + settings.maxTxWrites() + " writes, got " + writes);
    }
    if (locks > settings.maxTxReads()) {
      throw new QuerysubException(
          ErrorCode.BAD_REQUEST,
          "a transaction may hold at most " + settings.maxTxReads() + " reads, got " + locks);
    }
  }

  public NodeSettings settings() {
    return settings;
  }

  private void checkSize(int size, Path path) {
    if (size > settings.maxValueBytes()) {
      throw new QuerysubException(
          ErrorCode.VALUE_TOO_LARGE,
          "value is " + size + " bytes; the limit is " + settings.maxValueBytes(),
          path.toString());
    }
  }

  /**
   * {@code path} when a client may read or watch it: a client path, or the record of a server
   * function call ({@code /.calls} and below, read-only), so a caller can watch its call's outcome
   * and calls can be listed.
   */
  public static Path readablePath(Path path) {
    return isCallRecord(path) ? path : clientPath(path);
  }

  /** {@code /.calls} or below: server function call records. */
  private static boolean isCallRecord(Path path) {
    return path.isSystem() && path.segment(0).equals(CALLS);
  }

  private static final String CALLS = ".calls";

  /**
   * {@code path} when a client may name it; refuses system paths ({@code PATH_INVALID}). Every
   * entry point (REST, sync) checks client paths with this.
   */
  public static Path clientPath(Path path) {
    if (path.isSystem()) {
      throw new QuerysubException(
          ErrorCode.PATH_INVALID,
          "paths whose first segment starts with '.' are reserved for the system",
          path.toString());
    }
    return path;
  }
}
