package io.querysub.engine.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArchiveKeysTest {
  @Test
  void theKeysArchivesMakeAreValidAndSortLikeNumbers() {
    for (String k :
        new String[] {
          ArchiveKeys.manifest(0),
          ArchiveKeys.manifest(Long.MAX_VALUE),
          ArchiveKeys.segment(9999, 1),
          ArchiveKeys.largeValue(42, 3)
        }) {
      assertThat(ArchiveKeys.check(k)).isEqualTo(k);
    }
    assertThat(ArchiveKeys.manifest(9)).isLessThan(ArchiveKeys.manifest(10));
    assertThat(ArchiveKeys.manifestSequence(ArchiveKeys.manifest(123))).isEqualTo(123);
    assertThat(ArchiveKeys.manifestSequence(ArchiveKeys.segment(0, 1))).isEqualTo(-1);
  }

  @Test
  void aRefusalNamesTheKeyAndTheReason() {
    assertThatThrownBy(() -> ArchiveKeys.check("a/../b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("archive key 'a/../b': '.' and '..' are not key segments");
    assertThatThrownBy(() -> ArchiveKeys.check("a//b")).hasMessageContaining("empty segment");
    assertThatThrownBy(() -> ArchiveKeys.check("a~")).hasMessageContaining("U+007E");
    assertThat(ArchiveKeys.problem("...")).isNull(); // three dots are a name like any other
  }
}
