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
import java.util.Collections;
import java.util.List;

/**
 * An optimistic transaction: every read becomes a read lock, every write is buffered, and {@link
 * #commit()} turns them into writes sharing one version, or a conflict naming the lock that broke.
 * Reads of a path this transaction already wrote return the buffered value and add no lock. Not
 * thread-safe: one transaction belongs to one thread of work.
 */
public final class Transaction {
  private final Store store;
  private final List<ReadLock> locks = new ArrayList<>(4);
  private final List<Write> writes = new ArrayList<>(4);
  private boolean done;

  public Transaction(Store store) {
    this.store = store;
  }

  /** Reads the current value and records a lock on the version read (the first read wins). */
  public ReadResult read(Path path) {
    checkOpen();
    int own = indexOf(writes, path);
    if (own >= 0) {
      return new ReadResult(path, writes.get(own).value(), Version.ZERO);
    }
    ReadResult r = store.read(path);
    if (lockIndex(path, false) < 0) {
      locks.add(ReadLock.value(path, r.version()));
    }
    return r;
  }

  /** Lists child keys and records a children lock as of the listing's version. */
  public ChildrenPage children(Path parent, String after, int limit, boolean withValues) {
    checkOpen();
    ChildrenPage page = store.children(parent, after, limit, withValues);
    if (lockIndex(parent, true) < 0) {
      locks.add(ReadLock.children(parent, page.readVersion()));
    }
    return page;
  }

  public void write(Path path, Value value) {
    checkOpen();
    Write w = new Write(path, value);
    int i = indexOf(writes, path);
    if (i >= 0) {
      writes.set(i, w);
    } else {
      writes.add(w);
    }
  }

  public void delete(Path path) {
    write(path, Value.ABSENT);
  }

  /** The locks so far: value and children locks in the order first taken. */
  public List<ReadLock> locks() {
    return Collections.unmodifiableList(locks);
  }

  /** The buffered writes, one per path, in the order first written. */
  public List<Write> writes() {
    return Collections.unmodifiableList(writes);
  }

  /** Commits once; a rejected transaction should be rerun in a fresh one. */
  public CommitResult commit() {
    checkOpen();
    done = true;
    return store.commit(locks, writes);
  }

  private void checkOpen() {
    if (done) {
      throw new IllegalStateException("transaction already committed");
    }
  }

  // Transactions are small: a scan of a short list beats hashing. Large ones (bulk writes through
  // the API) are bounded by the request limits.
  private static int indexOf(List<Write> writes, Path path) {
    for (int i = writes.size() - 1; i >= 0; i--) {
      if (writes.get(i).path().equals(path)) {
        return i;
      }
    }
    return -1;
  }

  private int lockIndex(Path path, boolean children) {
    for (int i = 0; i < locks.size(); i++) {
      ReadLock l = locks.get(i);
      if (l.children() == children && l.path().equals(path)) {
        return i;
      }
    }
    return -1;
  }
}
