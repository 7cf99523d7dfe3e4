package io.querysub.engine.fail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FailPointsTest {
  @AfterEach
  void disarm() {
    FailPoints.disarmAll();
  }

  @Test
  void unarmedPointsDoNothingAndArmedOnesFire() {
    FailPoints.hit("x.y");
    AtomicInteger hits = new AtomicInteger();
    FailPoints.arm("x.y", p -> hits.incrementAndGet());
    FailPoints.hit("x.y");
    FailPoints.hit("x.z");
    assertThat(hits).hasValue(1);
    FailPoints.disarm("x.y");
    FailPoints.hit("x.y");
    assertThat(hits).hasValue(1);
  }

  @Test
  void theSystemPropertyFormatArmsFailuresAtTheNthHit() {
    FailPoints.armAll("a.b=fail@3, c.d=fail");
    FailPoints.hit("a.b");
    FailPoints.hit("a.b");
    assertThatThrownBy(() -> FailPoints.hit("a.b"))
        .isInstanceOf(FailPointException.class)
        .hasMessage("failpoint a.b");
    FailPoints.hit("a.b");
    assertThatThrownBy(() -> FailPoints.hit("c.d")).isInstanceOf(FailPointException.class);
  }

  @Test
  void aBadSpecificationIsRefusedNamingThePart() {
    assertThatThrownBy(() -> FailPoints.armAll("a.b=explode"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a.b=explode");
    assertThatThrownBy(() -> FailPoints.armAll("a.b=crash@0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
    assertThatThrownBy(() -> FailPoints.armAll("nothing"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
