package io.querysub.engine.archive.internal;

import io.querysub.engine.archive.ArchivedWrite;
import io.querysub.engine.archive.SegmentScan;
import io.querysub.engine.archive.SegmentScan.Damage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a segment past damage. A record is taken only when its marker is in place, its length fits
 * between the smallest payload and the end of the bytes, its checksum holds and its payload parses.
 * Anything else starts a damaged stretch, which ends at the next offset (searched byte by byte)
 * where a record passes all of that; the stretch is reported with the reason its first byte failed.
 * A header whose checksum fails is damage too and records are searched for from offset 0; a whole
 * header of another format or kind makes the whole object damage, since its records cannot be
 * trusted to mean what format 1 says. Stateless and thread-safe.
 */
public final class SegmentScanner {
  private SegmentScanner() {}

  /** A record read at one offset: the write and where the record ends, or why it is not one. */
  private record Attempt(ArchivedWrite write, int end, String problem) {}

  public static SegmentScan scan(byte[] buf) {
    SegmentLayout.HeaderCheck h = SegmentLayout.checkHeader(buf);
    if (h.foreign()) {
      return new SegmentScan(null, List.of(), List.of(new Damage(0, buf.length, h.problem())));
    }
    List<ArchivedWrite> writes = new ArrayList<>();
    List<Damage> damage = new ArrayList<>();
    int badFrom = -1;
    String badWhy = null;
    int at;
    if (h.header() != null) {
      at = SegmentLayout.HEADER;
    } else {
      badFrom = 0;
      badWhy = h.problem();
      at = next(buf, 0);
    }
    while (at < buf.length) {
      Attempt a = read(buf, at);
      if (a.write() != null) {
        if (badFrom >= 0) {
          damage.add(new Damage(badFrom, at - badFrom, badWhy));
          badFrom = -1;
        }
        writes.add(a.write());
        at = a.end();
      } else {
        if (badFrom < 0) {
          badFrom = at;
          badWhy = a.problem();
        }
        at = next(buf, at + 1);
      }
    }
    if (badFrom >= 0) {
      damage.add(new Damage(badFrom, buf.length - badFrom, badWhy));
    }
    return new SegmentScan(h.header(), writes, damage);
  }

  /** The first offset at or after {@code from} where a whole record starts, or the end. */
  private static int next(byte[] buf, int from) {
    int last = buf.length - SegmentLayout.RECORD_HEADER - WriteCodec.MIN_PAYLOAD;
    for (int i = from; i <= last; i++) {
      // The marker's first byte first: the common case of the search is one compare per byte.
      if (buf[i] == (byte) (SegmentLayout.MARKER >>> 24) && read(buf, i).write() != null) {
        return i;
      }
    }
    return buf.length;
  }

  private static Attempt read(byte[] buf, int at) {
    int left = buf.length - at;
    if (left < SegmentLayout.RECORD_HEADER) {
      return bad("a record header is cut short (" + left + " bytes left)");
    }
    ByteBuffer b = ByteBuffer.wrap(buf);
    if (b.getInt(at) != SegmentLayout.MARKER) {
      return bad("no record marker where a record should start");
    }
    long length = Integer.toUnsignedLong(b.getInt(at + 4));
    long room = left - SegmentLayout.RECORD_HEADER;
    if (length < WriteCodec.MIN_PAYLOAD || length > buf.length) {
      return bad("a record length of " + length + " cannot be right");
    }
    if (length > room) {
      return bad("the record is cut short (" + room + " of " + length + " bytes)");
    }
    int n = (int) length;
    if (b.getInt(at + 8) != SegmentLayout.recordChecksum(buf, at, n)) {
      return bad("the record's checksum does not match");
    }
    try {
      ArchivedWrite w = WriteCodec.decode(buf, at + SegmentLayout.RECORD_HEADER, n);
      return new Attempt(w, at + SegmentLayout.RECORD_HEADER + n, null);
    } catch (IllegalArgumentException e) {
      return bad("the record does not parse: " + e.getMessage());
    }
  }

  private static Attempt bad(String problem) {
    return new Attempt(null, -1, problem);
  }
}
