package io.querysub.engine.archive;

/**
 * What a segment says about itself.
 *
 * @param partition the archive partition whose writes it holds
 * @param sequence the segment's number, unique in the archive, rising in the order segments were
 *     written
 */
public record SegmentHeader(int partition, long sequence) {}
