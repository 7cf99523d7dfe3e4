package io.querysub.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingsReaderTest {

  private static NodeSettings read(Map<String, String> values) {
    return SettingsReader.read(key -> Optional.ofNullable(values.get(key)));
  }

  @Test
  void defaultsDescribeASingleNodeWithDataUnderDotData() {
    NodeSettings s = NodeSettings.defaults();
    assertThat(s.nodeId()).isEqualTo(1);
    assertThat(s.dataDir()).isEqualTo(Path.of("data").toAbsolutePath());
    assertThat(s.shardDepth()).isEqualTo(2);
    assertThat(s.maxChangeAge()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.historyRetention()).isZero();
    assertThat(s.maxValueBytes()).isEqualTo(1 << 20);
    assertThat(s.maxRequestBytes()).isEqualTo(16 << 20);
    assertThat(s.maxTxWrites()).isEqualTo(1000);
    assertThat(s.maxChildrenPage()).isEqualTo(1000);
    assertThat(s.defaultChildrenPage()).isEqualTo(100);
    assertThat(s.walFlushMillis()).isEqualTo(5);
    assertThat(s.walSegmentBytes()).isEqualTo(64 << 20);
  }

  @Test
  void readsAndChecksTheWriteAheadLogSettings() {
    NodeSettings s =
        read(Map.of(SettingsReader.WAL_FLUSH_MILLIS, "0", SettingsReader.WAL_SEGMENT_SIZE, "1MiB"));
    assertThat(s.walFlushMillis()).isZero();
    assertThat(s.walSegmentBytes()).isEqualTo(1 << 20);
    assertThatThrownBy(
            () ->
                read(
                    Map.of(
                        SettingsReader.WAL_FLUSH_MILLIS, "5ms",
                        SettingsReader.WAL_SEGMENT_SIZE, "4KiB")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("querysub.walFlushMillis=5ms: must be a whole number")
        .hasMessageContaining("querysub.walSegmentSize=4KiB: must be between 64KiB and 1GiB");
    assertThatThrownBy(() -> read(Map.of(SettingsReader.WAL_FLUSH_MILLIS, "-1")))
        .hasMessageContaining("querysub.walFlushMillis=-1: must be between 0 and 10000");
    assertThatThrownBy(() -> read(Map.of(SettingsReader.WAL_SEGMENT_SIZE, "2GiB")))
        .hasMessageContaining("querysub.walSegmentSize=2GiB");
  }

  @Test
  void readsUnitsForDurationsAndSizes() {
    NodeSettings s =
        read(
            Map.of(
                SettingsReader.MAX_CHANGE_AGE, "PT2M",
                SettingsReader.HISTORY_RETENTION, "90s",
                SettingsReader.GOLDEN_INTERVAL, "250ms",
                SettingsReader.MAX_VALUE_SIZE, "512KiB",
                SettingsReader.MAX_REQUEST_SIZE, "2m",
                SettingsReader.DATA_DIR, "/tmp/qs"));
    assertThat(s.maxChangeAge()).isEqualTo(Duration.ofMinutes(2));
    assertThat(s.historyRetention()).isEqualTo(Duration.ofSeconds(90));
    assertThat(s.goldenInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.maxValueBytes()).isEqualTo(512 * 1024);
    assertThat(s.maxRequestBytes()).isEqualTo(2 << 20);
    assertThat(s.dataDir()).isEqualTo(Path.of("/tmp/qs"));
  }

  @Test
  void blankValuesFallBackToDefaults() {
    assertThat(read(Map.of(SettingsReader.SHARD_DEPTH, "  ")).shardDepth()).isEqualTo(2);
  }

  @Test
  void reportsEveryProblemAtOnceNamingKeyAndValue() {
    assertThatThrownBy(
            () ->
                read(
                    Map.of(
                        SettingsReader.NODE_ID, "-3",
                        SettingsReader.SHARD_DEPTH, "two",
                        SettingsReader.MAX_CHANGE_AGE, "60",
                        SettingsReader.COMMIT_STRIPES, "48",
                        SettingsReader.MAX_VALUE_SIZE, "lots")))
        .isInstanceOfSatisfying(
            ConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "querysub.nodeId=-3: must be between 0 and 65535",
                        "querysub.shardDepth=two: must be a whole number",
                        "querysub.maxChangeAge=60: must be a duration such as 500ms, 60s, 5m, 1h or"
                            + " PT60S",
                        "querysub.commitStripes=48: must be a power of two",
                        "querysub.maxValueSize=lots: must be a size such as 1048576, 512KiB or"
                            + " 1MiB"));
  }

  @Test
  void refusesRequestLimitBelowValueLimit() {
    assertThatThrownBy(
            () ->
                read(
                    Map.of(
                        SettingsReader.MAX_VALUE_SIZE, "1MiB",
                        SettingsReader.MAX_REQUEST_SIZE, "64KiB")))
        .hasMessageContaining("querysub.maxRequestSize=65536 bytes: must be at least");
  }

  @Test
  void refusesDefaultPageAboveMaximumAndZeroChangeAge() {
    assertThatThrownBy(
            () ->
                read(
                    Map.of(
                        SettingsReader.MAX_CHILDREN_PAGE, "10",
                        SettingsReader.DEFAULT_CHILDREN_PAGE, "50",
                        SettingsReader.MAX_CHANGE_AGE, "0s")))
        .isInstanceOfSatisfying(
            ConfigurationException.class,
            e ->
                assertThat(e.problems())
                    .containsExactlyInAnyOrder(
                        "querysub.maxChangeAge=0s: must be at least 1ms",
                        "querysub.defaultChildrenPage=50: must not exceed querysub.maxChildrenPage"));
  }

  @Test
  void unitsRefuseOverflowAndGarbage() {
    assertThat(Units.bytes("99999999999999999999")).isEqualTo(-1);
    assertThat(Units.bytes("9999999999G")).isEqualTo(-1);
    assertThat(Units.bytes("1.5MiB")).isEqualTo(-1);
    assertThat(Units.duration("soon")).isNull();
    assertThat(Units.duration("2h")).isEqualTo(Duration.ofHours(2));
  }
}
