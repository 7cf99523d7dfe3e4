package io.querysub.engine.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.querysub.engine.version.Version;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class ManifestCodecTest {
  static SegmentRef segment(int partition, long seq, int i) {
    return new SegmentRef(
        ArchiveKeys.segment(partition, seq),
        partition,
        seq,
        1000 + i,
        64_000_000L + i,
        Writes.version(i),
        Writes.version(i + 100));
  }

  static Manifest manifest(long sequence) {
    return new Manifest(
        sequence,
        4,
        Writes.version(500),
        List.of(segment(0, 1, 1), segment(3, 2, 2), segment(1, 3, 3)),
        List.of(ArchiveKeys.largeValue(1, 0), ArchiveKeys.largeValue(3, 7)));
  }

  @Test
  void everyFieldComesBack() throws Exception {
    Manifest m = manifest(9);
    byte[] b = ManifestCodec.encode(m);
    assertThat(new String(b, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("QSUB-MAN");
    assertThat(ManifestCodec.decode(b)).isEqualTo(m);
  }

  @Test
  void aManifestOfANewArchiveComesBack() throws Exception {
    Manifest m = new Manifest(0, 1, Version.ZERO, List.of(), List.of());
    assertThat(ManifestCodec.decode(ManifestCodec.encode(m))).isEqualTo(m);
  }

  @Test
  void extremeNumbersComeBack() throws Exception {
    Version max = new Version(Long.MAX_VALUE, Integer.MAX_VALUE);
    SegmentRef s =
        new SegmentRef(
            "s", Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, max, max);
    Manifest m = new Manifest(Long.MAX_VALUE, Integer.MAX_VALUE, max, List.of(s), List.of("v"));
    assertThat(ManifestCodec.decode(ManifestCodec.encode(m))).isEqualTo(m);
  }

  @Test
  void everyFlippedBitAndByteIsRefused() {
    byte[] good = ManifestCodec.encode(manifest(9));
    for (int at = 0; at < good.length; at++) {
      for (int mask : new int[] {1, 2, 4, 8, 16, 32, 64, 128, 0xFF}) {
        byte[] b = good.clone();
        b[at] ^= (byte) mask;
        int where = at;
        assertThatThrownBy(() -> ManifestCodec.decode(b))
            .as("flip 0x%02X at %d", mask, where)
            .isInstanceOf(ArchiveFormatException.class)
            .hasMessageStartingWith("manifest: ");
      }
    }
  }

  @Test
  void everyTruncationIsRefused() {
    byte[] good = ManifestCodec.encode(manifest(9));
    for (int n = 0; n < good.length; n++) {
      byte[] b = Arrays.copyOf(good, n);
      assertThatThrownBy(() -> ManifestCodec.decode(b))
          .as("cut to %d bytes", n)
          .isInstanceOf(ArchiveFormatException.class);
    }
  }

  @Test
  void trailingBytesAreRefused() {
    byte[] good = ManifestCodec.encode(manifest(9));
    for (int extra = 1; extra <= 8; extra++) {
      byte[] b = Arrays.copyOf(good, good.length + extra);
      assertThatThrownBy(() -> ManifestCodec.decode(b))
          .isInstanceOf(ArchiveFormatException.class)
          .hasMessageContaining("checksum");
    }
    // Bytes after the last field under a checksum that holds: a writer's bug, refused too.
    byte[] b = Arrays.copyOf(good, good.length + 3);
    assertThatThrownBy(() -> ManifestCodec.decode(withChecksum(b)))
        .isInstanceOf(ArchiveFormatException.class)
        .hasMessage("manifest: 3 bytes after the last field");
  }

  /** Rewrites the last four bytes as the CRC32C of the others, as a writer would. */
  private static byte[] withChecksum(byte[] b) {
    CRC32C crc = new CRC32C();
    crc.update(b, 0, b.length - 4);
    ByteBuffer.wrap(b).putInt(b.length - 4, (int) crc.getValue());
    return b;
  }

  @Test
  void anUnknownFormatVersionIsRefusedByName() {
    byte[] b = ManifestCodec.encode(manifest(9));
    ByteBuffer.wrap(b).putInt(8, 2);
    assertThatThrownBy(() -> ManifestCodec.decode(withChecksum(b)))
        .isInstanceOf(ArchiveFormatException.class)
        .hasMessage("manifest: unknown format version 2 (this software reads 1)");
    ByteBuffer.wrap(b).putInt(8, -1);
    assertThatThrownBy(() -> ManifestCodec.decode(withChecksum(b)))
        .hasMessageContaining("unknown format version 4294967295");
  }

  @Test
  void otherObjectsAreNotManifests() {
    byte[] seg = SegmentCodec.encode(new SegmentHeader(0, 1), Writes.mixed());
    assertThatThrownBy(() -> ManifestCodec.decode(seg))
        .isInstanceOf(ArchiveFormatException.class)
        .hasMessageContaining("wrong magic");
  }

  @Test
  void fieldsUnderAGoodChecksumAreStillChecked() {
    byte[] good = ManifestCodec.encode(manifest(9));
    byte[] hugeCount = good.clone();
    ByteBuffer.wrap(hugeCount).putInt(36, 1_000_000); // the segment count
    assertThatThrownBy(() -> ManifestCodec.decode(withChecksum(hugeCount)))
        .hasMessage("manifest: a segment count of 1000000 cannot be right");
    byte[] noPartitions = good.clone();
    ByteBuffer.wrap(noPartitions).putInt(20, 0);
    assertThatThrownBy(() -> ManifestCodec.decode(withChecksum(noPartitions)))
        .hasMessageContaining("partition count of 0");
    byte[] badKey = good.clone();
    badKey[42] = '~'; // in the first segment's key, "segments/..."
    assertThatThrownBy(() -> ManifestCodec.decode(withChecksum(badKey)))
        .hasMessageContaining("a bad key");
  }

  @Test
  void encodeRefusesWhatDecodeWouldRefuse() {
    Version v = Writes.version(1);
    assertThatThrownBy(() -> ManifestCodec.encode(new Manifest(1, 0, v, List.of(), List.of())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ManifestCodec.encode(new Manifest(-1, 1, v, List.of(), List.of())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> ManifestCodec.encode(new Manifest(1, 1, v, List.of(), List.of("/abs"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/abs");
    SegmentRef backwards = new SegmentRef("s", 0, 1, 1, 1, Writes.version(2), Writes.version(1));
    assertThatThrownBy(
            () -> ManifestCodec.encode(new Manifest(1, 1, v, List.of(backwards), List.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lowest version above the highest");
  }
}
