package io.querysub.engine.wal;

import io.querysub.engine.version.Version;

/**
 * What opening the log found.
 *
 * @param segments segment files read
 * @param records records read and handed to the replay
 * @param bytes bytes of valid records read
 * @param highest the highest version read ({@link Version#ZERO} when none)
 * @param cut where a torn or corrupt tail was cut, or null when the log ended cleanly
 * @param millis time spent reading (and replaying, as the caller's consumer runs inline)
 */
public record Recovery(
    int segments, long records, long bytes, Version highest, Cut cut, long millis) {
  /**
   * A tail that was cut.
   *
   * @param file the segment file
   * @param offset the offset of the first byte cut (the file now ends there)
   * @param removed how many bytes were cut
   * @param reason what was wrong at the offset
   */
  public record Cut(String file, long offset, long removed, String reason) {}
}
