package io.querysub.engine.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.querysub.engine.archive.internal.SegmentLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Damages a segment at every byte offset (flipping, overwriting, cutting and inserting bytes) and
 * checks what a scan returns: every record the damage did not touch, never a record that was not
 * written, the header only when untouched, and the damage reported. Prints its seed; rerun one with
 * {@code -Dtest.seed=N}.
 */
class SegmentDamageTest {
  private static final SegmentHeader HEADER = new SegmentHeader(3, 17);
  private static final int MAX_SPAN = 40;

  private final List<ArchivedWrite> writes = Writes.mixed();
  private byte[] segment;

  /** Record i occupies bytes [starts[i], starts[i + 1]). */
  private int[] starts;

  private Random random;

  @BeforeEach
  void encode() {
    long seed = Long.getLong("test.seed", System.nanoTime());
    System.out.println("SegmentDamageTest seed=" + seed + " (-Dtest.seed=" + seed + ")");
    random = new Random(seed);
    segment = SegmentCodec.encode(HEADER, writes);
    starts = new int[writes.size() + 1];
    for (int i = 0; i <= writes.size(); i++) {
      starts[i] = SegmentCodec.encode(HEADER, writes.subList(0, i)).length;
    }
    for (int i = 0; i < writes.size(); i++) {
      // So that a cut of up to MAX_SPAN bytes never removes exactly a whole record.
      assertThat(starts[i + 1] - starts[i]).isGreaterThan(MAX_SPAN);
    }
  }

  /**
   * The checks for damage to bytes [from, to) of the original (an insertion: from == to), the
   * untouched records being those wholly outside that range.
   */
  private void check(byte[] damaged, int from, int to, boolean mayLookClean, String what) {
    SegmentScan s = SegmentCodec.scan(damaged);
    String where = what + " at " + from + ".." + to;
    // Never a wrong record: what comes back is a subsequence of what was written.
    int next = 0;
    for (ArchivedWrite w : s.writes()) {
      int i = writes.subList(next, writes.size()).indexOf(w);
      assertThat(i)
          .as(where + ": returned a record not written, or out of order: " + w)
          .isNotNegative();
      next += i + 1;
    }
    for (int i = 0; i < writes.size(); i++) {
      if (starts[i + 1] <= from || starts[i] >= to) {
        assertThat(s.writes()).as(where + ": untouched record " + i).contains(writes.get(i));
      }
    }
    if (from < SegmentLayout.HEADER) {
      assertThat(s.header()).as(where + ": damaged header").isNull();
    } else {
      assertThat(s.header()).as(where + ": untouched header").isEqualTo(HEADER);
    }
    if (!mayLookClean) {
      assertThat(s.damage()).as(where + ": damage reported").isNotEmpty();
    }
    long end = 0;
    for (SegmentScan.Damage d : s.damage()) {
      assertThat(d.offset()).as(where + ": damage in order, apart").isGreaterThanOrEqualTo(end);
      // Zero bytes only for a header that is missing altogether (the records start at once).
      boolean headerGone = d.offset() == 0 && s.header() == null;
      assertThat(d.length() > 0 || headerGone).as(where + ": empty stretch").isTrue();
      assertThat(d.reason()).isNotBlank();
      end = d.offset() + d.length();
    }
    assertThat(end).as(where + ": damage within the bytes").isLessThanOrEqualTo(damaged.length);
  }

  @Test
  void aFlippedByteAnywhereLosesOnlyItsRecord() {
    for (int at = 0; at < segment.length; at++) {
      byte[] b = segment.clone();
      b[at] ^= (byte) (1 + random.nextInt(255));
      check(b, at, at + 1, false, "flip");
      int offset = at;
      assertThat(SegmentCodec.scan(b).damage())
          .as("flip at " + at + " is inside a reported stretch")
          .anySatisfy(
              d ->
                  assertThat(offset)
                      .isBetween((int) d.offset(), (int) (d.offset() + d.length() - 1)));
    }
  }

  @Test
  void overwrittenBytesAnywhereLoseOnlyTheirRecords() {
    for (int at = 0; at < segment.length; at++) {
      int to = Math.min(segment.length, at + 1 + random.nextInt(MAX_SPAN));
      byte[] b = segment.clone();
      for (int i = at; i < to; i++) {
        b[i] ^= (byte) (1 + random.nextInt(255));
      }
      check(b, at, to, false, "overwrite");
    }
  }

  @Test
  void cutBytesAnywhereLoseOnlyTheirRecords() {
    for (int at = 0; at < segment.length; at++) {
      int to = Math.min(segment.length, at + 1 + random.nextInt(MAX_SPAN));
      byte[] b = new byte[segment.length - (to - at)];
      System.arraycopy(segment, 0, b, 0, at);
      System.arraycopy(segment, to, b, at, segment.length - to);
      // Cutting from a record's start to the end leaves whole records only: no trailer says so.
      boolean atBoundary = Arrays.binarySearch(starts, at) >= 0;
      check(b, at, to, atBoundary && to == segment.length, "cut");
    }
  }

  @Test
  void aHeaderCutOffWholeIsReportedAndEveryRecordKept() {
    byte[] b = Arrays.copyOfRange(segment, SegmentLayout.HEADER, segment.length);
    check(b, 0, SegmentLayout.HEADER, false, "cut the header");
    SegmentScan s = SegmentCodec.scan(b);
    assertThat(s.writes()).isEqualTo(writes);
    assertThat(s.damage()).singleElement().satisfies(d -> assertThat(d.length()).isZero());
  }

  @Test
  void everyTruncationKeepsTheRecordsBeforeIt() {
    for (int n = 0; n < segment.length; n++) {
      boolean atBoundary = Arrays.binarySearch(starts, n) >= 0;
      check(Arrays.copyOf(segment, n), n, segment.length, atBoundary, "truncate");
    }
  }

  @Test
  void insertedGarbageAnywhereLosesOnlyTheRecordItLandsIn() {
    for (int at = 0; at <= segment.length; at++) {
      byte[] junk = new byte[1 + random.nextInt(MAX_SPAN)];
      random.nextBytes(junk);
      byte[] b = new byte[segment.length + junk.length];
      System.arraycopy(segment, 0, b, 0, at);
      System.arraycopy(junk, 0, b, at, junk.length);
      System.arraycopy(segment, at, b, at + junk.length, segment.length - at);
      check(b, at, at, false, "insert");
    }
  }

  @Test
  void aSegmentOfGarbageYieldsNothing() {
    for (int i = 0; i < 200; i++) {
      byte[] b = new byte[random.nextInt(4000)];
      random.nextBytes(b);
      SegmentScan s = SegmentCodec.scan(b);
      assertThat(s.writes()).isEmpty();
      assertThat(s.header()).isNull();
      assertThat(s.damage()).hasSize(1);
    }
  }

  @Test
  void damageBetweenRecordsIsOneStretchEndingAtTheNextRecord() {
    byte[] b = segment.clone();
    // Break records 2 and 3: one stretch from record 2 to record 4.
    b[starts[2] + 20] ^= 1;
    b[starts[3] + 1] ^= 1;
    SegmentScan s = SegmentCodec.scan(b);
    List<ArchivedWrite> expected = new ArrayList<>(writes);
    expected.remove(3);
    expected.remove(2);
    assertThat(s.writes()).isEqualTo(expected);
    assertThat(s.damage())
        .containsExactly(
            new SegmentScan.Damage(
                starts[2], starts[4] - starts[2], "the record's checksum does not match"));
  }
}
