package io.querysub.engine.backup;

import io.querysub.engine.archive.SegmentRef;

/**
 * A segment as some store holds it: under {@code key} (the archive's own key, or a backup's copy),
 * described by the archive manifest's entry {@code ref} (whose key is the archive's).
 */
public record SourceSegment(String key, SegmentRef ref) {}
