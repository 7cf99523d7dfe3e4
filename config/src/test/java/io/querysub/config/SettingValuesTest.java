package io.querysub.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingValuesTest {

  private static SettingValues of(Map<String, String> values) {
    return new SettingValues(key -> Optional.ofNullable(values.get(key)));
  }

  @Test
  void bytesReadsUnitsAndAppliesTheFallback() {
    SettingValues in = of(Map.of("a", "8MiB", "b", "512k", "c", " 4096 "));
    assertThat(in.bytes("a", "1KiB", 1, Integer.MAX_VALUE)).isEqualTo(8 << 20);
    assertThat(in.bytes("b", "1KiB", 1, Integer.MAX_VALUE)).isEqualTo(512 << 10);
    assertThat(in.bytes("c", "1KiB", 1, Integer.MAX_VALUE)).isEqualTo(4096);
    assertThat(in.bytes("missing", "2KiB", 1, Integer.MAX_VALUE)).isEqualTo(2048);
    assertThat(in.hasProblems()).isFalse();
  }

  @Test
  void bytesRefusesTextAndOutOfRangeNamingTheKey() {
    SettingValues in = of(Map.of("a", "lots", "b", "2GiB", "c", "10"));
    assertThat(in.bytes("a", "1KiB", 1, Integer.MAX_VALUE)).isEqualTo(-1);
    assertThat(in.bytes("b", "1KiB", 1, Integer.MAX_VALUE)).isEqualTo(-1);
    assertThat(in.bytes("c", "1KiB", 1024, 1 << 20)).isEqualTo(-1);
    assertThatThrownBy(in::check)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("a=lots: must be a size such as 1048576, 512KiB or 1MiB")
        .hasMessageContaining("b=2GiB: must be between 1 and 2147483647 bytes")
        .hasMessageContaining("c=10: must be between 1024 and 1048576 bytes");
  }

  @Test
  void boolAcceptsTrueAndFalseOnly() {
    SettingValues in = of(Map.of("a", "TRUE", "b", "false", "c", "yes"));
    assertThat(in.bool("a", false)).isTrue();
    assertThat(in.bool("b", true)).isFalse();
    assertThat(in.bool("missing", true)).isTrue();
    assertThat(in.hasProblems()).isFalse();
    in.bool("c", false);
    assertThatThrownBy(in::check).hasMessageContaining("c=yes: must be true or false");
  }
}
