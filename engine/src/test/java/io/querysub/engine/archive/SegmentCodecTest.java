package io.querysub.engine.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.querysub.engine.archive.internal.SegmentLayout;
import io.querysub.engine.path.Path;
import io.querysub.engine.store.Value;
import io.querysub.engine.version.Version;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SegmentCodecTest {
  private static final SegmentHeader HEADER = new SegmentHeader(7, 42);

  @Test
  void writesOfEveryKindComeBackAsWritten() {
    List<ArchivedWrite> writes = Writes.mixed();
    SegmentScan s = SegmentCodec.scan(SegmentCodec.encode(HEADER, writes));
    assertThat(s.clean()).isTrue();
    assertThat(s.header()).isEqualTo(HEADER);
    assertThat(s.writes()).isEqualTo(writes);
    assertThat(s.writes().get(3).path().toString()).isEqualTo("/ünïcødé/日本語/😀");
    assertThat(s.writes().get(4).path().toString()).isEqualTo("/a%2Fb/100%25/x");
  }

  @Test
  void jsonNullIsAValueAndNotADelete() {
    Path p = Path.parse("/n");
    List<ArchivedWrite> writes =
        List.of(
            ArchivedWrite.inline(p, Writes.version(1), Value.NULL),
            ArchivedWrite.inline(p, Writes.version(2), Value.ABSENT));
    List<ArchivedWrite> back = SegmentCodec.scan(SegmentCodec.encode(HEADER, writes)).writes();
    assertThat(back.get(0).value().isAbsent()).isFalse();
    assertThat(back.get(0).value().json()).isEqualTo("null");
    assertThat(back.get(1).value().isAbsent()).isTrue();
    assertThat(back.get(1).large()).isNull();
  }

  @Test
  void aLargeValueReferenceKeepsKeySizeAndChecksum() {
    ArchivedWrite w = Writes.mixed().get(5);
    ArchivedWrite back = SegmentCodec.scan(SegmentCodec.encode(HEADER, List.of(w))).writes().get(0);
    assertThat(back.value()).isNull();
    assertThat(back.large())
        .isEqualTo(new LargeRef("values/00000000000000000042-0.json", 1_000_000, 0xCAFEBABE));
  }

  @Test
  void anEmptySegmentIsItsHeader() {
    byte[] b = SegmentCodec.encode(new SegmentHeader(0, 0), List.of());
    assertThat(b).hasSize(SegmentLayout.HEADER);
    assertThat(new String(b, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("QSUB-SEG");
    SegmentScan s = SegmentCodec.scan(b);
    assertThat(s.clean()).isTrue();
    assertThat(s.header()).isEqualTo(new SegmentHeader(0, 0));
    assertThat(s.writes()).isEmpty();
  }

  @Test
  void manyRandomWritesAndExtremeVersionsRoundTrip() {
    long seed = Long.getLong("test.seed", System.nanoTime());
    System.out.println("SegmentCodecTest seed=" + seed + " (-Dtest.seed=" + seed + ")");
    List<ArchivedWrite> writes = new ArrayList<>(Writes.random(new Random(seed), 5000));
    writes.add(
        ArchivedWrite.inline(
            Path.parse("/max"), new Version(Long.MAX_VALUE, Integer.MAX_VALUE), Value.NULL));
    writes.add(ArchivedWrite.inline(Path.parse("/zero"), Version.ZERO, Value.ABSENT));
    byte[] big = new byte[1 << 20];
    Arrays.fill(big, (byte) 'x');
    big[0] = '"';
    big[big.length - 1] = '"';
    writes.add(ArchivedWrite.inline(Path.parse("/big"), Writes.version(1), Value.ofJsonBytes(big)));
    SegmentHeader h = new SegmentHeader(Integer.MAX_VALUE, Long.MAX_VALUE);
    SegmentScan s = SegmentCodec.scan(SegmentCodec.encode(h, writes));
    assertThat(s.clean()).isTrue();
    assertThat(s.header()).isEqualTo(h);
    assertThat(s.writes()).isEqualTo(writes);
  }

  @Test
  void encodeRefusesWhatCouldNotBeReadBack() {
    ArchivedWrite ok = Writes.mixed().get(0);
    assertThatThrownBy(() -> SegmentCodec.encode(new SegmentHeader(-1, 1), List.of(ok)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SegmentCodec.encode(new SegmentHeader(1, -1), List.of(ok)))
        .isInstanceOf(IllegalArgumentException.class);
    ArchivedWrite badKey =
        new ArchivedWrite(ok.path(), ok.version(), null, new LargeRef("values/../x", 1, 0));
    assertThatThrownBy(() -> SegmentCodec.encode(HEADER, List.of(badKey)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("values/../x");
    ArchivedWrite badSize =
        new ArchivedWrite(ok.path(), ok.version(), null, new LargeRef("values/x", -1, 0));
    assertThatThrownBy(() -> SegmentCodec.encode(HEADER, List.of(badSize)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void crc32cIsCastagnoli() {
    // The CRC32C check value (RFC 3720, the "123456789" test vector).
    assertThat(SegmentCodec.crc32c("123456789".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo(0xE3069283);
  }

  // --- Damage that checksums cannot see: a payload that is whole but does not parse.

  /** A record framed by hand: marker, length, a good checksum, the payload. */
  static byte[] record(byte[] payload) {
    byte[] r = new byte[SegmentLayout.RECORD_HEADER + payload.length];
    ByteBuffer b = ByteBuffer.wrap(r);
    b.putInt(SegmentLayout.MARKER).putInt(payload.length).putInt(0).put(payload);
    b.putInt(8, SegmentLayout.recordChecksum(r, 0, payload.length));
    return r;
  }

  private static byte[] payload(String path, byte kind, byte[] rest) {
    byte[] p = path.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + 4 + 2 + p.length + 1 + rest.length);
    b.putLong(Writes.version(9).stamp()).putInt(1).putShort((short) p.length).put(p);
    b.put(kind).put(rest);
    return b.array();
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    ByteBuffer b = ByteBuffer.allocate(n);
    for (byte[] p : parts) {
      b.put(p);
    }
    return b.array();
  }

  /** A good record, the bad one, a good record: the bad one is reported, the others kept. */
  private static void assertParseDamage(byte[] bad, String reason) {
    List<ArchivedWrite> good = Writes.mixed().subList(0, 2);
    byte[] first = SegmentCodec.encode(HEADER, good.subList(0, 1));
    byte[] second = SegmentCodec.encode(HEADER, good.subList(1, 2));
    byte[] seg =
        concat(first, record(bad), Arrays.copyOfRange(second, SegmentLayout.HEADER, second.length));
    SegmentScan s = SegmentCodec.scan(seg);
    assertThat(s.header()).isEqualTo(HEADER);
    assertThat(s.writes()).isEqualTo(good);
    assertThat(s.damage())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.offset()).isEqualTo(first.length);
              assertThat(d.length()).isEqualTo(SegmentLayout.RECORD_HEADER + bad.length);
              assertThat(d.reason()).contains("does not parse").contains(reason);
            });
  }

  @Test
  void aWholeRecordWhosePayloadDoesNotParseIsDamage() {
    byte[] none = new byte[0];
    assertParseDamage(payload("a/b-without-slash", (byte) 1, none), "bad path");
    assertParseDamage(payload("/a/../dotdot-segment", (byte) 1, none), "bad path");
    assertParseDamage(payload("/%61/not-canonical", (byte) 1, none), "canonical");
    assertParseDamage(payload("/unknown/kind/seven", (byte) 7, none), "unknown value kind 7");
    assertParseDamage(payload("/absent/with/extra", (byte) 1, new byte[] {0}), "left after");
    assertParseDamage(
        payload("/inline/negative", (byte) 0, new byte[] {-1, -1, -1, -2}), "value length");
    assertParseDamage(
        payload("/inline/too/long", (byte) 0, new byte[] {0, 0, 0, 9, '1'}), "value length");
    assertParseDamage(payload("/large/cut/short", (byte) 2, new byte[] {0, 1, 'v'}), "ends inside");
    byte[] badKey =
        ByteBuffer.allocate(2 + 4 + 12)
            .putShort((short) 4)
            .put("a//b".getBytes(StandardCharsets.US_ASCII))
            .putLong(1)
            .putInt(0)
            .array();
    assertParseDamage(payload("/large/bad/key", (byte) 2, badKey), "bad large value key");
    byte[] notUtf8 = {'/', 'a', (byte) 0xC3, '/', 'b', 'c', 'd', 'e', 'f'};
    byte[] p = payload("/xxxxxxxx", (byte) 1, none);
    System.arraycopy(notUtf8, 0, p, 14, notUtf8.length);
    assertParseDamage(p, "not valid UTF-8");
  }

  // --- The header.

  @Test
  void aDamagedHeaderIsReportedAndEveryRecordIsStillRead() {
    List<ArchivedWrite> writes = Writes.mixed();
    byte[] seg = SegmentCodec.encode(HEADER, writes);
    seg[13] ^= 0x40; // the partition
    SegmentScan s = SegmentCodec.scan(seg);
    assertThat(s.header()).isNull();
    assertThat(s.clean()).isFalse();
    assertThat(s.writes()).isEqualTo(writes);
    assertThat(s.damage())
        .containsExactly(
            new SegmentScan.Damage(
                0, SegmentLayout.HEADER, "the header's checksum does not match"));
  }

  @Test
  void aHeaderCutShortIsDamage() {
    byte[] seg = Arrays.copyOf(SegmentCodec.encode(HEADER, List.of()), 10);
    SegmentScan s = SegmentCodec.scan(seg);
    assertThat(s.header()).isNull();
    assertThat(s.writes()).isEmpty();
    assertThat(s.damage())
        .containsExactly(new SegmentScan.Damage(0, 10, "the header is cut short (10 of 28 bytes)"));
    assertThat(SegmentCodec.scan(new byte[0]).damage()).hasSize(1);
  }

  /** Rewrites bytes of the header and fixes its checksum, as another writer would have. */
  private static byte[] rewriteHeader(byte[] seg, int at, byte[] bytes) {
    byte[] b = seg.clone();
    System.arraycopy(bytes, 0, b, at, bytes.length);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(b, 0, SegmentLayout.HEADER - 4);
    ByteBuffer.wrap(b).putInt(SegmentLayout.HEADER - 4, (int) crc.getValue());
    return b;
  }

  @Test
  void aWholeHeaderOfAnotherFormatOrKindMakesTheWholeObjectDamage() {
    byte[] seg = SegmentCodec.encode(HEADER, Writes.mixed());
    SegmentScan v2 = SegmentCodec.scan(rewriteHeader(seg, 8, new byte[] {0, 0, 0, 2}));
    assertThat(v2.header()).isNull();
    assertThat(v2.writes()).isEmpty();
    assertThat(v2.damage())
        .containsExactly(
            new SegmentScan.Damage(
                0, seg.length, "unknown format version 2 (this software reads 1)"));
    SegmentScan other =
        SegmentCodec.scan(rewriteHeader(seg, 0, "QSUB-MAN".getBytes(StandardCharsets.US_ASCII)));
    assertThat(other.writes()).isEmpty();
    assertThat(other.damage())
        .singleElement()
        .satisfies(d -> assertThat(d.reason()).contains("wrong magic"));
  }
}
