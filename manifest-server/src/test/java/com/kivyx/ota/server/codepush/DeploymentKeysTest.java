package com.kivyx.ota.server.codepush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kivyx.ota.format.Platform;
import com.kivyx.ota.format.ChannelId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentKeysTest {
  @TempDir Path dir;

  @Test
  void mapsKeysToChannelsFromFlagsAndFiles() throws Exception {
    DeploymentKeys flags = DeploymentKeys.parse(List.of("Ab3_dEf-9xYz/+Q==" + "=com.example.app/ios/production"));
    Path file = dir.resolve("keys.txt");
    Files.writeString(file, "# staging\n\n  stagingKey12345=com.example.app/android/staging  \n");
    DeploymentKeys all = flags.and(DeploymentKeys.read(file));
    assertThat(all.channel("Ab3_dEf-9xYz/+Q==")).contains(new ChannelId("com.example.app", Platform.IOS, "production"));
    assertThat(all.channel("stagingKey12345")).contains(new ChannelId("com.example.app", Platform.ANDROID, "staging"));
    assertThat(all.channel("unknownKey123")).isEqualTo(Optional.empty());
    assertThat(all.toString()).doesNotContain("Ab3_dEf").doesNotContain("stagingKey").contains("com.example.app/ios/production");
  }

  @Test
  void keysCheckedByHandAreWhatThePatternAccepts() {
    java.util.regex.Pattern pattern = java.util.regex.Pattern.compile("[A-Za-z0-9._~+/=-]{8,256}");
    List<String> edges = List.of("", "1234567", "12345678", "a".repeat(256), "a".repeat(257), "key 12345", "key%2012345", "ключ12345678", "key-1234\n", "Ab3_dEf-9xYz/+Q==");
    java.util.Random random = new java.util.Random(11);
    String alphabet = "aZ09._~+/=-% \u00e9\n";
    List<String> generated = new java.util.ArrayList<>(edges);
    for (int n = 0; n < 100_000; n++) {
      int length = random.nextInt(n % 100 == 0 ? 300 : 14);
      StringBuilder key = new StringBuilder();
      for (int i = 0; i < length; i++) {
        key.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      generated.add(key.toString());
    }
    for (String key : generated) {
      assertThat(DeploymentKeys.isKey(key)).as(key).isEqualTo(pattern.matcher(key).matches());
    }
  }

  @Test
  void refusesBadSpecsWithoutRepeatingTheKey() {
    String secret = "secretKey12345";
    for (String spec : List.of(secret + "=com.example.app/web/production", secret + "=com.example.app/ios", secret, "short=a/ios/b", secret + " x=a/ios/b")) {
      assertThatThrownBy(() -> DeploymentKeys.parse(List.of(spec))).as(spec).isInstanceOf(IllegalArgumentException.class)
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret).contains("deployment #1"));
    }
    assertThatThrownBy(() -> DeploymentKeys.parse(List.of(secret + "=a/ios/b", secret + "=a/android/b")))
        .hasMessageContaining("already stands for a/ios/b")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(secret));
  }
}
