package io.querysub.engine.archive;

import io.querysub.engine.version.Version;
import java.util.List;

/**
 * The archive as of one moment: which segments (and large-value objects) hold it. A segment counts
 * only once a manifest that lists it is written; readers take the valid manifest with the highest
 * sequence and trust it, never a listing of segments.
 *
 * @param sequence rises by one with each manifest written
 * @param partitions how many partitions new writes are spread over
 * @param archivedUpTo every golden write at or below this version is in the listed segments
 * @param segments the live segments, in the order they were written (sequence order)
 * @param largeValues keys of the large-value objects the segments refer to
 */
public record Manifest(
    long sequence,
    int partitions,
    Version archivedUpTo,
    List<SegmentRef> segments,
    List<String> largeValues) {
  public Manifest {
    segments = List.copyOf(segments);
    largeValues = List.copyOf(largeValues);
  }
}
