package io.querysub.web.error;

import static org.assertj.core.api.Assertions.assertThat;

import io.querysub.engine.error.ErrorCode;
import org.junit.jupiter.api.Test;

class ErrorStatusTest {
  @Test
  void everyCodeHasAClientOrServerErrorStatus() {
    for (ErrorCode c : ErrorCode.values()) {
      assertThat(ErrorStatus.of(c)).as(c.name()).isBetween(400, 599);
    }
    assertThat(ErrorStatus.of(ErrorCode.PATH_INVALID)).isEqualTo(400);
    assertThat(ErrorStatus.of(ErrorCode.CONFLICT)).isEqualTo(409);
    assertThat(ErrorStatus.of(ErrorCode.VALUE_TOO_LARGE)).isEqualTo(413);
  }

  @Test
  void bareStatusesMapBackToCodesThatRoundTrip() {
    for (ErrorCode c :
        new ErrorCode[] {
          ErrorCode.NOT_FOUND,
          ErrorCode.CONFLICT,
          ErrorCode.REQUEST_TOO_LARGE,
          ErrorCode.METHOD_NOT_ALLOWED,
          ErrorCode.UNAVAILABLE
        }) {
      assertThat(ErrorStatus.codeOf(ErrorStatus.of(c))).isEqualTo(c);
    }
    assertThat(ErrorStatus.codeOf(415)).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(ErrorStatus.of(ErrorCode.VALUE_TOO_LARGE)).isEqualTo(413);
    assertThat(ErrorStatus.codeOf(502)).isEqualTo(ErrorCode.INTERNAL);
  }
}
