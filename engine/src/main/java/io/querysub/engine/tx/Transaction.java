package io.querysub.engine.tx;

import io.querysub.engine.path.Path;
import io.querysub.engine.store.ChildrenPage;
import io.querysub.engine.store.CommitResult;
import io.querysub.engine.store.ReadLock;
import io.querysub.engine.store.ReadResult;
import io.querysub.engine.store.Store;
import io.querysub.engine.store.Value;
import io.querysub.engine.store.Write;
import io.querysub.engine.version.Version;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An optimistic transaction: every read becomes a read lock, every write is buffered, and {@link
 * #commit()} turns them into writes sharing one version, or a conflict naming the lock that broke.
 * Reads of a path this transaction already wrote return the buffered value and add no lock. Not
 * thread-safe: one transaction belongs to one thread of work.
 */
public final class Transaction {
  private final Store store;
  private final Map<Path, ReadLock> valueLocks = new LinkedHashMap<>();
  private final Map<Path, ReadLock> childLocks = new LinkedHashMap<>();
  private final Map<Path, Write> writes = new LinkedHashMap<>();
  private boolean done;

  public Transaction(Store store) {
    this.store = store;
  }

  /** Reads the current value and records a lock on the version read (the first read wins). */
  public ReadResult read(Path path) {
    checkOpen();
    Write own = writes.get(path);
    if (own != null) {
      return new ReadResult(path, own.value(), Version.ZERO);
    }
    ReadLock held = valueLocks.get(path);
    ReadResult r = store.read(path);
    if (held == null) {
      valueLocks.put(path, ReadLock.value(path, r.version()));
    }
    return r;
  }

  /** Lists child keys and records a children lock as of the listing's version. */
  public ChildrenPage children(Path parent, String after, int limit, boolean withValues) {
    checkOpen();
    ChildrenPage page = store.children(parent, after, limit, withValues);
    childLocks.putIfAbsent(parent, ReadLock.children(parent, page.readVersion()));
    return page;
  }

  public void write(Path path, Value value) {
    checkOpen();
    writes.put(path, new Write(path, value));
  }

  public void delete(Path path) {
    write(path, Value.ABSENT);
  }

  public List<ReadLock> locks() {
    List<ReadLock> all = new ArrayList<>(valueLocks.size() + childLocks.size());
    all.addAll(valueLocks.values());
    all.addAll(childLocks.values());
    return all;
  }

  public List<Write> writes() {
    return new ArrayList<>(writes.values());
  }

  /** Commits once; a rejected transaction should be rerun in a fresh one. */
  public CommitResult commit() {
    checkOpen();
    done = true;
    return store.commit(locks(), writes());
  }

  private void checkOpen() {
    if (done) {
      throw new IllegalStateException("transaction already committed");
    }
  }
}
