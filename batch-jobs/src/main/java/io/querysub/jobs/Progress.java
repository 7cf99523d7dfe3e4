package io.querysub.jobs;

/**
 * How far a running job is, updated after every chunk. Rates count from when this execution started
 * (a restarted job's earlier work does not inflate them).
 */
public final class Progress {
  private final long startNanos = System.nanoTime();
  private volatile long itemsDone;
  private volatile long itemsTotal;
  private volatile long bytesDone;
  private volatile long bytesTotal;
  private final long itemsAtStart;
  private final long bytesAtStart;

  Progress(Cursor c) {
    itemsAtStart = c.next;
    bytesAtStart = c.bytesDone;
    update(c);
  }

  void update(Cursor c) {
    itemsTotal = c.total;
    itemsDone = c.next;
    bytesTotal = c.bytesTotal;
    bytesDone = c.bytesDone;
  }

  /**
   * What a status shows.
   *
   * @param percent of bytes when the job knows them, else of items
   * @param secondsLeft at the rate so far; null before anything was done
   */
  public record View(
      long itemsDone,
      long itemsTotal,
      long bytesDone,
      long bytesTotal,
      double percent,
      double itemsPerSecond,
      double bytesPerSecond,
      Double secondsLeft) {}

  public View view() {
    double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
    long items = itemsDone;
    long bytes = bytesDone;
    double itemRate = (items - itemsAtStart) / seconds;
    double byteRate = (bytes - bytesAtStart) / seconds;
    boolean byBytes = bytesTotal > 0;
    double percent =
        byBytes
            ? 100.0 * Math.min(bytes, bytesTotal) / bytesTotal
            : itemsTotal == 0 ? 100.0 : 100.0 * items / itemsTotal;
    Double left = null;
    if (byBytes && byteRate > 0) {
      left = Math.max(0, bytesTotal - bytes) / byteRate;
    } else if (!byBytes && itemRate > 0) {
      left = Math.max(0, itemsTotal - items) / itemRate;
    }
    return new View(
        items,
        itemsTotal,
        bytes,
        bytesTotal,
        Math.round(percent * 10) / 10.0,
        Math.round(itemRate * 10) / 10.0,
        Math.round(byteRate),
        left == null ? null : Math.round(left * 10) / 10.0);
  }
}
