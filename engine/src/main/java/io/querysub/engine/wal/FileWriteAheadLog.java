package io.querysub.engine.wal;

import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import io.querysub.engine.fail.FailPoints;
import io.querysub.engine.store.CommitJournal;
import io.querysub.engine.store.Write;
import io.querysub.engine.version.Version;
import io.querysub.engine.wal.internal.RecordCodec;
import io.querysub.engine.wal.internal.SegmentScan;
import io.querysub.engine.wal.internal.Segments;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The write-ahead log in segment files under one directory; see {@link WriteAheadLog} for what is
 * on disk when each call returns and {@code docs/wal-format.md} for the bytes.
 *
 * <p>Threading: appenders copy their encoded record into a memory buffer under one lock (the
 * encoding and checksum happen before it). One daemon thread, {@code querysub-wal-sync}, swaps that
 * buffer for an empty one, writes it to the current segment, forces it, completes the waiting
 * futures, and rotates the segment when it is full. Only that thread touches the files after {@link
 * #open} returns, except {@link #deleteUpTo}, which deletes closed segments only.
 */
public final class FileWriteAheadLog implements WriteAheadLog {
  private static final System.Logger LOG = System.getLogger(FileWriteAheadLog.class.getName());

  private final WalOptions options;
  private final Object lock = new Object();
  private final Thread syncer;

  // Guarded by lock.
  private Buffer active = new Buffer();
  private Buffer spare = new Buffer();
  private long appended;
  private boolean closing;
  private Throwable failure;
  private final PriorityQueue<Waiter> waiters = new PriorityQueue<>();

  /** Closed segments by number, with the highest version each holds. Guarded by itself. */
  private final TreeMap<Long, Version> closed = new TreeMap<>();

  private volatile long durable;
  private long lastSyncNanos;

  // The sync thread's own.
  private FileChannel channel;
  private long segmentNumber;
  private long segmentSize;
  private Version segmentHighest = Version.ZERO;

  private record Waiter(long ticket, CompletableFuture<Void> future) implements Comparable<Waiter> {
    @Override
    public int compareTo(Waiter o) {
      return Long.compare(ticket, o.ticket);
    }
  }

  /** Appended records not yet written: their bytes and the highest version among them. */
  private static final class Buffer {
    byte[] bytes = new byte[64 * 1024];
    int size;
    Version highest = Version.ZERO;

    void put(byte[] rec, Version v) {
      if (size + rec.length > bytes.length) {
        bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + rec.length));
      }
      System.arraycopy(rec, 0, bytes, size, rec.length);
      size += rec.length;
      if (v.compareTo(highest) > 0) {
        highest = v;
      }
    }

    void clear() {
      size = 0;
      highest = Version.ZERO;
      if (bytes.length > (4 << 20)) {
        bytes = new byte[64 * 1024]; // do not keep a huge batch's buffer for ever
      }
    }
  }

  /** A log in {@code options.dir()}, not yet opened: it takes appends once {@link #open} ran. */
  public FileWriteAheadLog(WalOptions options) {
    this.options = options;
    this.syncer = new Thread(this::syncLoop, "querysub-wal-sync");
    syncer.setDaemon(true);
    this.closing = true; // refuses appends until opened
  }

  /**
   * Opens the log: reads every segment in order and hands each record to {@code replay} (on this
   * thread, before returning), cuts a torn or corrupt tail of the last segment (logged with the
   * file and offset, and synced), then starts a new segment and takes appends. When this returns
   * the cut, if any, and the new segment's header are durable.
   *
   * @throws WalException when a segment before the last is damaged (it was complete and synced when
   *     the next one began, so the disk lost data that may have been acknowledged: the node must
   *     not start on a log with a hole), or the directory cannot be read or written
   */
  public Recovery open(Consumer<WalRecord> replay) {
    synchronized (lock) {
      if (syncer.getState() != Thread.State.NEW) {
        throw new IllegalStateException("the log was opened already");
      }
    }
    Recovery r = recover(replay);
    synchronized (lock) {
      closing = false;
    }
    syncer.start();
    return r;
  }

  private Recovery recover(Consumer<WalRecord> replay) {
    long t0 = System.nanoTime();
    Path dir = options.dir();
    try {
      Files.createDirectories(dir);
      List<Path> files = Segments.list(dir);
      long records = 0;
      long bytes = 0;
      Version highest = Version.ZERO;
      Recovery.Cut cut = null;
      long next = 1;
      for (int i = 0; i < files.size(); i++) {
        Path f = files.get(i);
        boolean last = i == files.size() - 1;
        long number = Segments.number(f);
        SegmentScan.Result r = SegmentScan.scan(f, replay);
        records += r.records();
        bytes += Math.max(0, r.validEnd() - Segments.HEADER);
        if (r.highest().compareTo(highest) > 0) {
          highest = r.highest();
        }
        next = number + 1;
        if (r.damage() != null) {
          if (!last) {
            throw new WalException(
                "write-ahead log segment "
                    + f
                    + " is damaged at offset "
                    + r.validEnd()
                    + " ("
                    + r.damage()
                    + "), and later segments exist: refusing to start on a log with a hole");
          }
          cut =
              new Recovery.Cut(f.toString(), r.validEnd(), r.fileSize() - r.validEnd(), r.damage());
          LOG.log(
              System.Logger.Level.WARNING,
              "write-ahead log: cutting the tail of {0} at offset {1} ({2} bytes): {3}; nothing"
                  + " after it is replayed",
              f,
              r.validEnd(),
              r.fileSize() - r.validEnd(),
              r.damage());
          if (r.validEnd() == 0) {
            Files.delete(f); // not even a whole header: the segment was being created
          } else {
            try (FileChannel c = FileChannel.open(f, StandardOpenOption.WRITE)) {
              c.truncate(r.validEnd());
              c.force(true);
            }
          }
          Segments.syncDirectory(dir);
          if (r.validEnd() == 0) {
            continue;
          }
        }
        synchronized (closed) {
          closed.put(number, r.highest());
        }
      }
      startSegment(next);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      return new Recovery(files.size(), records, bytes, highest, cut, millis);
    } catch (IOException e) {
      throw new WalException("cannot open the write-ahead log in " + dir + ": " + e, e);
    }
  }

  private void startSegment(long number) throws IOException {
    Path f = options.dir().resolve(Segments.name(number));
    FileChannel c = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    c.write(ByteBuffer.wrap(Segments.header(number)));
    c.force(true);
    Segments.syncDirectory(options.dir());
    channel = c;
    segmentNumber = number;
    segmentSize = Segments.HEADER;
    segmentHighest = Version.ZERO;
  }

  @Override
  public long append(Version version, List<Write> writes) {
    byte[] rec = RecordCodec.encode(version, writes);
    long ticket;
    synchronized (lock) {
      if (failure != null || closing) {
        throw refused();
      }
      boolean wasEmpty = active.size == 0;
      active.put(rec, version);
      ticket = ++appended;
      if (wasEmpty) {
        lock.notifyAll();
      }
    }
    FailPoints.hit(FailPoints.WAL_AFTER_APPEND);
    return ticket;
  }

  private QuerysubException refused() {
    return new QuerysubException(
        ErrorCode.UNAVAILABLE,
        failure != null
            ? "the write-ahead log failed (" + failure.getMessage() + "); restart the node"
            : "the write-ahead log is closed");
  }

  @Override
  public CompletableFuture<Void> whenDurable(long ticket) {
    if (ticket <= durable) {
      return CommitJournal.DONE;
    }
    synchronized (lock) {
      if (ticket <= durable) {
        return CommitJournal.DONE;
      }
      if (failure != null) {
        return CompletableFuture.failedFuture(notDurable(ticket));
      }
      if (ticket > appended) {
        throw new IllegalArgumentException("ticket " + ticket + " was never handed out");
      }
      CompletableFuture<Void> f = new CompletableFuture<>();
      waiters.add(new Waiter(ticket, f));
      return f;
    }
  }

  private WalException notDurable(long ticket) {
    return new WalException(
        "the write-ahead log failed before record " + ticket + " was durable: " + failure, failure);
  }

  @Override
  public void awaitDurable(long ticket) throws InterruptedException {
    try {
      whenDurable(ticket).get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof WalException w
          ? w
          : new WalException(e.getCause().toString(), e.getCause());
    }
  }

  @Override
  public long lastTicket() {
    synchronized (lock) {
      return appended;
    }
  }

  @Override
  public long durableTicket() {
    return durable;
  }

  private void syncLoop() {
    try {
      while (true) {
        Buffer batch;
        long upTo;
        synchronized (lock) {
          while (active.size == 0 && !closing) {
            lock.wait();
          }
          if (active.size == 0) {
            return; // closing, and everything is written
          }
        }
        // Group commit: at most one sync per flush interval. Records appended meanwhile join.
        long wait =
            lastSyncNanos
                + TimeUnit.MILLISECONDS.toNanos(options.flushMillis())
                - System.nanoTime();
        if (wait > 0 && !isClosing()) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        synchronized (lock) {
          batch = active;
          active = spare;
          spare = batch;
          upTo = appended;
        }
        lastSyncNanos = System.nanoTime();
        write(batch);
        batch.clear();
        durable = upTo;
        complete(upTo);
        if (segmentSize >= options.segmentBytes()) {
          rotate();
        }
      }
    } catch (Throwable t) {
      fail(t);
    } finally {
      closeChannel();
    }
  }

  private boolean isClosing() {
    synchronized (lock) {
      return closing;
    }
  }

  private void write(Buffer batch) throws IOException {
    FailPoints.hit(FailPoints.WAL_BEFORE_WRITE);
    ByteBuffer b = ByteBuffer.wrap(batch.bytes, 0, batch.size);
    while (b.hasRemaining()) {
      channel.write(b);
    }
    segmentSize += batch.size;
    if (batch.highest.compareTo(segmentHighest) > 0) {
      segmentHighest = batch.highest;
    }
    FailPoints.hit(FailPoints.WAL_BEFORE_SYNC);
    // force(false): the data and the metadata needed to read it back (the file's size).
    channel.force(false);
    FailPoints.hit(FailPoints.WAL_AFTER_SYNC);
  }

  private void complete(long upTo) {
    List<Waiter> done = new ArrayList<>();
    synchronized (lock) {
      while (!waiters.isEmpty() && waiters.peek().ticket <= upTo) {
        done.add(waiters.poll());
      }
    }
    for (Waiter w : done) {
      w.future.complete(null);
    }
  }

  /** Closes the full segment (already forced) and starts the next one. */
  private void rotate() throws IOException {
    channel.close();
    synchronized (closed) {
      closed.put(segmentNumber, segmentHighest);
    }
    startSegment(segmentNumber + 1);
  }

  private void fail(Throwable t) {
    List<Waiter> pending;
    synchronized (lock) {
      if (closing && t instanceof InterruptedException) {
        return;
      }
      failure = t;
      pending = new ArrayList<>(waiters);
      waiters.clear();
    }
    LOG.log(
        System.Logger.Level.ERROR,
        "write-ahead log failed in " + options.dir() + "; commits are refused until restart",
        t);
    for (Waiter w : pending) {
      w.future.completeExceptionally(notDurable(w.ticket));
    }
  }

  private void closeChannel() {
    try {
      if (channel != null && channel.isOpen()) {
        channel.close();
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "closing the write-ahead log failed", e);
    }
  }

  /** True when a write or sync failed: the log takes no more records. */
  public boolean failed() {
    synchronized (lock) {
      return failure != null;
    }
  }

  @Override
  public int deleteUpTo(Version version) {
    int n = 0;
    synchronized (closed) {
      Iterator<java.util.Map.Entry<Long, Version>> it = closed.entrySet().iterator();
      while (it.hasNext()) {
        var e = it.next();
        if (e.getValue().compareTo(version) > 0) {
          break; // segments are deleted oldest first: the log stays a contiguous suffix
        }
        Path f = options.dir().resolve(Segments.name(e.getKey()));
        FailPoints.hit(FailPoints.WAL_BEFORE_DELETE);
        try {
          Files.deleteIfExists(f);
        } catch (IOException ex) {
          throw new WalException("cannot delete write-ahead log segment " + f + ": " + ex, ex);
        }
        it.remove();
        n++;
      }
    }
    if (n > 0) {
      try {
        Segments.syncDirectory(options.dir());
      } catch (IOException ex) {
        throw new WalException("cannot sync " + options.dir() + ": " + ex, ex);
      }
    }
    return n;
  }

  @Override
  public void close() {
    synchronized (lock) {
      closing = true;
      lock.notifyAll();
    }
    if (syncer.getState() == Thread.State.NEW) {
      return;
    }
    try {
      syncer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Waiter> pending;
    synchronized (lock) {
      pending = new ArrayList<>(waiters);
      waiters.clear();
    }
    for (Waiter w : pending) {
      w.future.completeExceptionally(new WalException("the write-ahead log was closed"));
    }
  }

  /** The segment files now in the directory (for tests and tools). */
  public List<Path> segmentFiles() throws IOException {
    return Segments.list(options.dir());
  }
}
