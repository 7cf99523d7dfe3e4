package io.querysub.engine.archive;

import io.querysub.engine.path.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges the writes of every segment of one partition into one list, applying the archive's history
 * retention. Plain function of its inputs, so a batch job can run it too.
 *
 * <p>Per path, with its versions in order: the newest is kept, unless it is a delete that is older
 * than the retention (then the path leaves the archive, with every version it superseded: the merge
 * sees every segment of the partition, so nothing older can come back); a superseded version is
 * kept while the version that superseded it is younger than the retention. The same write found
 * twice (a commit archived again after a restart) is kept once.
 */
public final class PartitionMerge {
  /** Version order, then path order: the order of a segment's writes. */
  public static final Comparator<ArchivedWrite> ORDER =
      Comparator.comparing(ArchivedWrite::version).thenComparing(w -> w.path().toString());

  private PartitionMerge() {}

  /**
   * @param writes every write of the partition's segments, in any order
   * @param nowMillis the current time
   * @return the writes to keep, in version order (then path order)
   */
  public static List<ArchivedWrite> merge(
      List<ArchivedWrite> writes, long nowMillis, Duration retention) {
    long cutoff = nowMillis - retention.toMillis();
    Map<Path, List<ArchivedWrite>> byPath = new HashMap<>();
    for (ArchivedWrite w : writes) {
      byPath.computeIfAbsent(w.path(), k -> new ArrayList<>(2)).add(w);
    }
    List<ArchivedWrite> out = new ArrayList<>(byPath.size());
    for (List<ArchivedWrite> all : byPath.values()) {
      all.sort(ORDER);
      List<ArchivedWrite> versions = new ArrayList<>(all.size());
      for (ArchivedWrite w : all) {
        if (versions.isEmpty()
            || !versions.get(versions.size() - 1).version().equals(w.version())) {
          versions.add(w);
        }
      }
      int last = versions.size() - 1;
      ArchivedWrite newest = versions.get(last);
      if (isDelete(newest) && newest.version().millis() < cutoff) {
        continue;
      }
      for (int i = 0; i < last; i++) {
        if (versions.get(i + 1).version().millis() >= cutoff) {
          out.add(versions.get(i));
        }
      }
      out.add(newest);
    }
    out.sort(ORDER);
    return out;
  }

  private static boolean isDelete(ArchivedWrite w) {
    return w.value() != null && w.value().isAbsent();
  }
}
