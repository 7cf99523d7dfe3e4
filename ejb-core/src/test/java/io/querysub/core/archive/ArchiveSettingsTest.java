package io.querysub.core.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.querysub.config.ConfigurationException;
import io.querysub.core.archive.ArchiveSettings.Store;
import io.querysub.engine.archive.LocalDirectoryArchiveStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveSettingsTest {
  private static final Path DATA = Path.of("/var/lib/querysub");

  private static ArchiveSettings read(Map<String, String> values) {
    return ArchiveSettings.read(key -> Optional.ofNullable(values.get(key)), DATA);
  }

  private static Map<String, String> s3(String... more) {
    Map<String, String> m = new HashMap<>();
    m.put(ArchiveSettings.STORE, "s3");
    m.put(ArchiveSettings.S3_ENDPOINT, "https://s3.us-west-004.backblazeb2.com");
    m.put(ArchiveSettings.S3_BUCKET, "querysub-archive");
    m.put(ArchiveSettings.S3_ACCESS_KEY, "004a1b2c3d");
    m.put(ArchiveSettings.S3_SECRET_KEY, "K004-very-secret");
    for (int i = 0; i < more.length; i += 2) {
      m.put(more[i], more[i + 1]);
    }
    return m;
  }

  @Test
  void defaultsAreALocalArchiveUnderTheDataDirectory() {
    ArchiveSettings s = ArchiveSettings.defaults(DATA);
    assertThat(s.store()).isEqualTo(Store.LOCAL);
    assertThat(s.dir()).isEqualTo(DATA.resolve("archive"));
    assertThat(s.s3()).isNull();
    assertThat(s.interval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.partitions()).isEqualTo(16);
    assertThat(s.largeValueBytes()).isEqualTo(8 << 20);
    assertThat(s.historyRetention()).isEqualTo(Duration.ofDays(7));
    assertThat(s.maxSegmentsPerPartition()).isEqualTo(32);
    assertThat(s.retryMax()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void readsEveryArchiverSetting() {
    ArchiveSettings s =
        read(
            Map.of(
                ArchiveSettings.STORE, "NONE",
                ArchiveSettings.DIR, "/mnt/archive/../archive2",
                ArchiveSettings.INTERVAL, "250ms",
                ArchiveSettings.PARTITIONS, "1024",
                ArchiveSettings.LARGE_VALUE_BYTES, "512KiB",
                ArchiveSettings.HISTORY_RETENTION, "0s",
                ArchiveSettings.MAX_SEGMENTS_PER_PARTITION, "4",
                ArchiveSettings.RETRY_MAX, "5m"));
    assertThat(s.store()).isEqualTo(Store.NONE);
    assertThat(s.dir()).isEqualTo(Path.of("/mnt/archive2"));
    assertThat(s.interval()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.partitions()).isEqualTo(1024);
    assertThat(s.largeValueBytes()).isEqualTo(512 << 10);
    assertThat(s.historyRetention()).isZero();
    assertThat(s.maxSegmentsPerPartition()).isEqualTo(4);
    assertThat(s.retryMax()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void readsTheS3GroupWithItsDefaults() {
    ArchiveSettings s = read(s3(ArchiveSettings.S3_PREFIX, "/nodes/node-1/"));
    assertThat(s.store()).isEqualTo(Store.S3);
    S3Settings s3 = s.s3();
    assertThat(s3.endpoint()).isEqualTo("https://s3.us-west-004.backblazeb2.com");
    assertThat(s3.region()).isEqualTo("us-east-1");
    assertThat(s3.bucket()).isEqualTo("querysub-archive");
    assertThat(s3.accessKey()).isEqualTo("004a1b2c3d");
    assertThat(s3.secretKey()).isEqualTo("K004-very-secret");
    assertThat(s3.prefix()).isEqualTo("nodes/node-1");
    assertThat(s3.createBucket()).isFalse();
    assertThat(s3.timeout()).isEqualTo(Duration.ofSeconds(10));

    S3Settings other =
        read(s3(
                ArchiveSettings.S3_REGION, "us-west-004",
                ArchiveSettings.S3_CREATE_BUCKET, "true",
                ArchiveSettings.S3_TIMEOUT, "2s"))
            .s3();
    assertThat(other.region()).isEqualTo("us-west-004");
    assertThat(other.prefix()).isEmpty();
    assertThat(other.createBucket()).isTrue();
    assertThat(other.timeout()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void s3WithoutItsRequiredKeysIsRefusedNamingEachMissingOne() {
    assertThatThrownBy(() -> read(Map.of(ArchiveSettings.STORE, "s3")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(
            "querysub.archive.s3.endpoint: required when querysub.archive.store=s3")
        .hasMessageContaining("querysub.archive.s3.bucket: required")
        .hasMessageContaining("querysub.archive.s3.accessKey: required")
        .hasMessageContaining("querysub.archive.s3.secretKey: required");
    Map<String, String> noSecret = s3();
    noSecret.put(ArchiveSettings.S3_SECRET_KEY, "  ");
    assertThatThrownBy(() -> read(noSecret))
        .satisfies(
            e ->
                assertThat(((ConfigurationException) e).problems())
                    .containsExactly(
                        "querysub.archive.s3.secretKey: required when querysub.archive.store=s3"));
  }

  @Test
  void theS3KeysAreNotRequiredForOtherStores() {
    assertThat(read(Map.of(ArchiveSettings.STORE, "local")).s3()).isNull();
  }

  @Test
  void eachBadValueIsRefusedNamingItsKey() {
    String[][] cases = {
      {ArchiveSettings.STORE, "ftp", "querysub.archive.store=ftp: must be local, s3 or none"},
      {ArchiveSettings.DIR, "bad\0dir", "querysub.archive.dir="},
      {ArchiveSettings.INTERVAL, "5", "querysub.archive.interval=5: must be a duration"},
      {ArchiveSettings.INTERVAL, "1ms", "querysub.archive.interval=1ms: must be at least 10ms"},
      {ArchiveSettings.PARTITIONS, "12", "querysub.archive.partitions=12: must be a power of two"},
      {ArchiveSettings.PARTITIONS, "2048", "querysub.archive.partitions=2048: must be between 1"},
      {ArchiveSettings.PARTITIONS, "0", "querysub.archive.partitions=0: must be between 1"},
      {ArchiveSettings.LARGE_VALUE_BYTES, "big", "querysub.archive.largeValueBytes=big: must be a"},
      {ArchiveSettings.LARGE_VALUE_BYTES, "100", "querysub.archive.largeValueBytes=100: must be"},
      {ArchiveSettings.HISTORY_RETENTION, "a week", "querysub.archive.historyRetention=a week"},
      {
        ArchiveSettings.MAX_SEGMENTS_PER_PARTITION,
        "1",
        "querysub.archive.maxSegmentsPerPartition=1"
      },
      {ArchiveSettings.RETRY_MAX, "10ms", "querysub.archive.retryMax=10ms: must be at least 100ms"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> read(Map.of(c[0], c[1])))
          .as(c[0] + "=" + c[1])
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining(c[2]);
    }
  }

  @Test
  void eachBadS3ValueIsRefusedNamingItsKey() {
    String[][] cases = {
      {
        ArchiveSettings.S3_ENDPOINT, "s3.example.com", "s3.endpoint=s3.example.com: must start with"
      },
      {ArchiveSettings.S3_ENDPOINT, "ftp://h", "querysub.archive.s3.endpoint=ftp://h: must start"},
      {
        ArchiveSettings.S3_ENDPOINT,
        "https://h/bucket",
        "s3.endpoint=https://h/bucket: must have no"
      },
      {ArchiveSettings.S3_ENDPOINT, "https://u:p@h", "querysub.archive.s3.endpoint=https://u:p@h"},
      {
        ArchiveSettings.S3_BUCKET, "My_Bucket", "querysub.archive.s3.bucket=My_Bucket: must be 3-63"
      },
      {ArchiveSettings.S3_BUCKET, "ab", "querysub.archive.s3.bucket=ab: must be 3-63"},
      {
        ArchiveSettings.S3_REGION, "us east", "querysub.archive.s3.region=us east: must be a region"
      },
      {ArchiveSettings.S3_PREFIX, "a//b", "querysub.archive.s3.prefix=a//b: must not have empty"},
      {ArchiveSettings.S3_PREFIX, "a/../b", "querysub.archive.s3.prefix=a/../b"},
      {ArchiveSettings.S3_PREFIX, "a b", "querysub.archive.s3.prefix=a b: may hold only"},
      {ArchiveSettings.S3_CREATE_BUCKET, "yes", "s3.createBucket=yes: must be true or false"},
      {ArchiveSettings.S3_TIMEOUT, "0s", "querysub.archive.s3.timeout=0s: must be at least 100ms"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> read(s3(c[0], c[1])))
          .as(c[0] + "=" + c[1])
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining(c[2])
          .hasMessageNotContaining("K004-very-secret");
    }
  }

  @Test
  void everyProblemIsListedAtOnce() {
    assertThatThrownBy(
            () ->
                read(
                    s3(
                        ArchiveSettings.S3_BUCKET, "B",
                        ArchiveSettings.PARTITIONS, "3",
                        ArchiveSettings.RETRY_MAX, "soon")))
        .satisfies(e -> assertThat(((ConfigurationException) e).problems()).hasSize(3));
  }

  @Test
  void theSecretKeyStaysOutOfToString() {
    ArchiveSettings s = read(s3());
    assertThat(s.toString()).doesNotContain("K004-very-secret").contains("querysub-archive");
    assertThat(s.s3().toString()).contains("secretKey=(hidden)");
  }

  @Test
  void storesOpenAsConfigured(@TempDir Path tmp) throws Exception {
    assertThat(ArchiveStores.open(read(Map.of(ArchiveSettings.STORE, "none")))).isEmpty();
    try (var local = ArchiveStores.open(ArchiveSettings.defaults(tmp)).orElseThrow()) {
      assertThat(local).isInstanceOf(LocalDirectoryArchiveStore.class);
    }
    try (var s3 = ArchiveStores.open(read(s3())).orElseThrow()) {
      assertThat(s3).isInstanceOf(S3ArchiveStore.class);
      assertThat(s3.describe())
          .contains("https://s3.us-west-004.backblazeb2.com", "querysub-archive")
          .doesNotContain("K004-very-secret");
    }
  }
}
