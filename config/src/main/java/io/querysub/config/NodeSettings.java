package io.querysub.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a node is configured with, already validated by {@link SettingsReader}. Immutable;
 * read once at startup.
 *
 * @param nodeId this node's id, stamped into every version it assigns (unique per cluster)
 * @param dataDir where the node keeps its data (created at startup)
 * @param shardDepth how many leading path segments choose a shard
 * @param maxChangeAge how far the golden horizon trails the clock
 * @param historyRetention how long superseded golden versions are kept
 * @param commitStripes number of commit locks (a power of two)
 * @param goldenInterval how often the golden horizon is moved forward
 * @param maxValueBytes largest JSON text accepted for one value
 * @param maxRequestBytes largest request body accepted
 * @param maxTxWrites most writes in one transaction
 * @param maxTxReads most read locks (value and children) in one transaction
 * @param maxChildrenPage largest page a children listing may ask for
 * @param defaultChildrenPage page size of a children listing that does not ask
 * @param walFlushMillis the least time between two syncs of the write-ahead log (0: sync as soon as
 *     a commit waits)
 * @param walSegmentBytes the size at which a write-ahead log segment file is closed and the next
 *     begun
 */
public record NodeSettings(
    int nodeId,
    Path dataDir,
    int shardDepth,
    Duration maxChangeAge,
    Duration historyRetention,
    int commitStripes,
    Duration goldenInterval,
    int maxValueBytes,
    int maxRequestBytes,
    int maxTxWrites,
    int maxTxReads,
    int maxChildrenPage,
    int defaultChildrenPage,
    int walFlushMillis,
    int walSegmentBytes) {

  /** The settings of a node started with no configuration at all. */
  public static NodeSettings defaults() {
    return SettingsReader.read(key -> java.util.Optional.empty());
  }
}
