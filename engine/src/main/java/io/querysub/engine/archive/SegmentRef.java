package io.querysub.engine.archive;

import io.querysub.engine.version.Version;

/**
 * A manifest's entry for one segment.
 *
 * @param key the segment's object key
 * @param partition its partition
 * @param sequence its sequence number (as in its header)
 * @param records how many writes it holds
 * @param bytes its size in bytes
 * @param minVersion the lowest version it holds
 * @param maxVersion the highest version it holds
 */
public record SegmentRef(
    String key,
    int partition,
    long sequence,
    long records,
    long bytes,
    Version minVersion,
    Version maxVersion)
    implements java.io.Serializable {}
