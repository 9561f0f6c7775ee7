package com.kivyx.ota.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChannelIdTest {
  @Test
  void namesReadByHandAreWhatThePatternReads() {
    List<String> edges = List.of(
        "a", "Z", "0", "1.0.1-1", "a_b", "a".repeat(128), "a".repeat(129), "", ".a", "-a", "_a", "a b", "a/b", "a\n", "a:b",
        "é", "ａ", "a\u0000", "a%20", "a.", "a-");
    for (String text : edges) {
      assertThat(ChannelId.isName(text)).as(text).isEqualTo(ChannelId.NAME.matcher(text).matches());
    }
    assertThat(ChannelId.isName(null)).isFalse();
    Random random = new Random(11);
    String alphabet = "aZ09._- /é";
    for (int n = 0; n < 200_000; n++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(6) == 0 ? 120 + random.nextInt(16) : random.nextInt(8);
      for (int i = 0; i < length; i++) {
        text.append(random.nextInt(4) == 0 ? alphabet.charAt(random.nextInt(alphabet.length())) : 'a');
      }
      String candidate = text.toString();
      assertThat(ChannelId.isName(candidate)).as(candidate).isEqualTo(ChannelId.NAME.matcher(candidate).matches());
    }
  }

  @Test
  void parsesOnlyWhatTheRecordAccepts() {
    assertThat(ChannelId.parse("com.example", "ios", "production")).hasValue(new ChannelId("com.example", Platform.IOS, "production"));
    assertThat(ChannelId.parse("com example", "ios", "production")).isEmpty();
    assertThat(ChannelId.parse("com.example", "ios", "-production")).isEmpty();
    assertThat(ChannelId.parse("com.example", "windows", "production")).isEmpty();
    assertThat(ChannelId.parse(null, "ios", "production")).isEmpty();
  }
}
