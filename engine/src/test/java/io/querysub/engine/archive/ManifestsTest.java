package io.querysub.engine.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestsTest {
  @TempDir java.nio.file.Path dir;

  private final List<Manifests.Skipped> skipped = new ArrayList<>();

  private static void putManifest(ArchiveStore s, long seq) throws IOException {
    s.put(ArchiveKeys.manifest(seq), ManifestCodec.encode(ManifestCodecTest.manifest(seq)));
  }

  private static void putDamaged(ArchiveStore s, long seq, int flipAt) throws IOException {
    byte[] b = ManifestCodec.encode(ManifestCodecTest.manifest(seq));
    b[flipAt] ^= 1;
    s.put(ArchiveKeys.manifest(seq), b);
  }

  /** A store that lists its keys in a random order, as no store may but a reader must survive. */
  private static final class ShuffledListing implements ArchiveStore {
    private final ArchiveStore s;
    private final Random random;

    ShuffledListing(ArchiveStore s, long seed) {
      this.s = s;
      this.random = new Random(seed);
    }

    @Override
    public void put(String key, byte[] bytes) throws IOException {
      s.put(key, bytes);
    }

    @Override
    public byte[] get(String key) throws IOException {
      return s.get(key);
    }

    @Override
    public long size(String key) throws IOException {
      return s.size(key);
    }

    @Override
    public List<String> list(String prefix) throws IOException {
      List<String> keys = new ArrayList<>(s.list(prefix));
      Collections.shuffle(keys, random);
      return keys;
    }

    @Override
    public void delete(String key) throws IOException {
      s.delete(key);
    }

    @Override
    public String describe() {
      return "shuffled " + s.describe();
    }

    @Override
    public void close() {}
  }

  @Test
  void anEmptyArchiveHasNoManifest() throws Exception {
    ArchiveStore s = new LocalDirectoryArchiveStore(dir);
    s.put(ArchiveKeys.segment(0, 1), new byte[] {1}); // an unlisted segment counts for nothing
    assertThat(Manifests.latest(s, skipped::add)).isEmpty();
    assertThat(skipped).isEmpty();
  }

  @Test
  void theHighestSequenceWins() throws Exception {
    ArchiveStore s = new LocalDirectoryArchiveStore(dir);
    for (long seq : new long[] {1, 2, 9, 10, 11}) {
      putManifest(s, seq);
    }
    assertThat(Manifests.latest(s, skipped::add)).contains(ManifestCodecTest.manifest(11));
    assertThat(skipped).isEmpty();
  }

  @Test
  void damagedNewerManifestsArePassedOverAndReported() throws Exception {
    ArchiveStore s = new LocalDirectoryArchiveStore(dir);
    putManifest(s, 3);
    putManifest(s, 4);
    putDamaged(s, 5, 30);
    byte[] cut = ManifestCodec.encode(ManifestCodecTest.manifest(6));
    s.put(ArchiveKeys.manifest(6), Arrays.copyOf(cut, cut.length / 2));
    s.put(ArchiveKeys.manifest(7), ManifestCodec.encode(ManifestCodecTest.manifest(70)));
    assertThat(Manifests.latest(s, skipped::add)).contains(ManifestCodecTest.manifest(4));
    assertThat(skipped)
        .extracting(Manifests.Skipped::key)
        .containsExactly(ArchiveKeys.manifest(7), ArchiveKeys.manifest(6), ArchiveKeys.manifest(5));
    assertThat(skipped.get(0).reason()).isEqualTo("it holds manifest 70");
    assertThat(skipped.get(1).reason()).contains("checksum");
    assertThat(skipped.get(2).reason()).contains("checksum");
  }

  @Test
  void manifestsAreOrderedBySequenceNotByListing() throws Exception {
    long seed = Long.getLong("test.seed", System.nanoTime());
    System.out.println("ManifestsTest seed=" + seed + " (-Dtest.seed=" + seed + ")");
    ArchiveStore s = new ShuffledListing(new LocalDirectoryArchiveStore(dir), seed);
    for (long seq = 1; seq <= 30; seq++) {
      putManifest(s, seq * 7);
    }
    putDamaged(s, 1000, 12);
    for (int i = 0; i < 20; i++) {
      skipped.clear();
      assertThat(Manifests.latest(s, skipped::add)).contains(ManifestCodecTest.manifest(210));
      assertThat(skipped)
          .extracting(Manifests.Skipped::key)
          .containsExactly(ArchiveKeys.manifest(1000));
    }
  }

  @Test
  void keysThatAreNotManifestKeysAreIgnored() throws Exception {
    ArchiveStore s = new LocalDirectoryArchiveStore(dir);
    putManifest(s, 2);
    s.put(
        "manifests/00000000000000000099.bak", ManifestCodec.encode(ManifestCodecTest.manifest(99)));
    s.put("manifests/README", new byte[] {1, 2, 3});
    s.put("manifests/0000000000000000100", ManifestCodec.encode(ManifestCodecTest.manifest(100)));
    assertThat(Manifests.latest(s, skipped::add)).contains(ManifestCodecTest.manifest(2));
    assertThat(skipped).isEmpty();
  }

  @Test
  void anArchiveWhoseManifestsAreAllDamagedIsNotEmpty() throws Exception {
    ArchiveStore s = new LocalDirectoryArchiveStore(dir);
    putDamaged(s, 1, 50);
    putDamaged(s, 2, 60);
    assertThatThrownBy(() -> Manifests.latest(s, skipped::add))
        .isInstanceOf(ArchiveFormatException.class)
        .hasMessageContaining("none of its 2 manifests can be read")
        .hasMessageContaining(ArchiveKeys.manifest(2));
    assertThat(skipped).hasSize(2);
  }

  @Test
  void theLoggingVariantAnswersTheSame() throws Exception {
    ArchiveStore s = new LocalDirectoryArchiveStore(dir);
    putManifest(s, 1);
    putDamaged(s, 2, 20);
    assertThat(Manifests.latest(s)).contains(ManifestCodecTest.manifest(1));
  }
}
