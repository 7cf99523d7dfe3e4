package io.querysub.core.data;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.querysub.engine.error.ErrorCode;
import io.querysub.engine.error.QuerysubException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTextTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "null",
        "0",
        "-1.5e300",
        "true",
        "\"caf\u00e9\"",
        " [1, [2, {}], \"x\"] ",
        "{\"a\":{\"b\":[null]}}",
        "12345678901234567890123456789"
      })
  void acceptsOneJsonValueOfAnyType(String json) {
    assertThatCode(() -> JsonText.check(json.getBytes(StandardCharsets.UTF_8), "/p"))
        .doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "  ", "{", "[1,]", "[1 2]", "{\"a\" 1}", "1 2", "{} {}", "nul", "'x'", "NaN"})
  void refusesAnythingButExactlyOneValue(String json) {
    assertThatThrownBy(() -> JsonText.check(json.getBytes(StandardCharsets.UTF_8), "/p"))
        .isInstanceOfSatisfying(
            QuerysubException.class,
            e -> {
              org.assertj.core.api.Assertions.assertThat(e.code())
                  .isEqualTo(ErrorCode.VALUE_INVALID);
              org.assertj.core.api.Assertions.assertThat(e.path()).isEqualTo("/p");
            });
  }

  @org.junit.jupiter.api.Test
  void refusesMalformedUtf8() {
    byte[] bad = {'"', (byte) 0xC3, (byte) 0x28, '"'};
    assertThatThrownBy(() -> JsonText.check(bad, "/p")).hasMessageContaining("UTF-8");
  }
}
