package com.kivyx.ota.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SemverTest {
  @Test
  void plainVersionsReadByHandAreWhatThePatternReads() {
    List<String> edges = List.of(
        "0.0.0", "1.2.3", "10.20.30", "999999999.0.1", "1000000000.0.0", "01.2.3", "1.02.3", "1.2.03", "1.2", "1.2.", ".1.2",
        "1..2", "1.2.3.", "1.2.3.4", "1.2.3-rc.1", "1.2.3+build", "a.b.c", "", "1.2.3 ", " 1.2.3", "1.2.3\n", "１.2.3");
    for (String text : edges) {
      assertSameAsPattern(text);
    }
    Random random = new Random(7);
    String alphabet = "0123456789.-+a";
    for (int n = 0; n < 200_000; n++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(14);
      for (int i = 0; i < length; i++) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      assertSameAsPattern(text.toString());
    }
  }

  @Test
  void theFastPathTakesPlainVersionsAndLeavesTheRestToThePattern() {
    assertThat(Semver.plain("1.2.3")).isEqualTo(new Semver(1, 2, 3, List.of()));
    assertThat(Semver.plain("1.2.3-rc.1")).isNull();
    assertThat(Semver.parse("1.2.3-rc.1")).hasValue(new Semver(1, 2, 3, List.of("rc", "1")));
  }

  private static void assertSameAsPattern(String text) {
    Semver plain = Semver.plain(text);
    Optional<Semver> matched = Semver.matched(text);
    if (plain != null) {
      assertThat(matched).as(text).hasValue(plain);
    } else {
      assertThat(matched.map(v -> v.prerelease().isEmpty() && text.matches("[0-9.]*"))).as(text).isNotEqualTo(Optional.of(true));
    }
    assertThat(Semver.parse(text)).as(text).isEqualTo(plain != null ? Optional.of(plain) : matched);
  }
}
