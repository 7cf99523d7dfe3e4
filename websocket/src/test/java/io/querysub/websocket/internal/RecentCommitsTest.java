package io.querysub.websocket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentCommitsTest {
  @Test
  void keepsTheNewestCommitsAndAReusedIdNamesItsLatest() {
    RecentCommits r = new RecentCommits();
    assertThat(r.get("1")).isNull();
    for (int i = 0; i < RecentCommits.KEPT + 10; i++) {
      r.remember(Integer.toString(i), new RecentCommits.Failed("f" + i));
    }
    assertThat(r.get("9")).as("pushed out").isNull();
    assertThat(r.get("10")).isEqualTo(new RecentCommits.Failed("f10"));
    assertThat(r.get(Integer.toString(RecentCommits.KEPT + 9)))
        .isEqualTo(new RecentCommits.Failed("f" + (RecentCommits.KEPT + 9)));
    r.remember("10", new RecentCommits.Failed("again"));
    assertThat(r.get("10")).isEqualTo(new RecentCommits.Failed("again"));
  }
}
