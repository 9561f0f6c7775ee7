package com.kivyx.ota.server.codepush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kivyx.ota.server.QueryParams;
import io.vertx.core.MultiMap;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UpdateCheckQueryTest {
  @Test
  void binaryVersionsAreNormalisedAsTheReferenceServerDoes() {
    assertThat(UpdateCheckQuery.normalise("1")).contains("1.0.0");
    assertThat(UpdateCheckQuery.normalise("2.0")).contains("2.0.0");
    assertThat(UpdateCheckQuery.normalise("2.0-beta.1")).contains("2.0.0-beta.1");
    assertThat(UpdateCheckQuery.normalise("2.0+build")).contains("2.0.0+build");
    assertThat(UpdateCheckQuery.normalise("1.2.3")).contains("1.2.3");
    for (String bad : new String[] {"", "one", "1.2.3.4", "01.2.3", "1..2", "v1.2.3", "1.2.3 "}) {
      assertThat(UpdateCheckQuery.normalise(bad)).as(bad).isEqualTo(Optional.empty());
    }
  }

  @Test
  void readsTheSdksNamesAndTheLegacyCamelCaseOnes() throws Exception {
    UpdateCheckQuery snake = parse(MultiMap.caseInsensitiveMultiMap()
        .add("deployment_key", "key-12345678").add("app_version", "1.0").add("package_hash", "abc").add("is_companion", "false")
        .add("label", "r1").add("client_unique_id", "device-1"));
    assertThat(snake).isEqualTo(new UpdateCheckQuery("key-12345678", "1.0.0", "1.0", Optional.of("abc"), Optional.of("r1"), "device-1"));
    UpdateCheckQuery camel = parse(MultiMap.caseInsensitiveMultiMap()
        .add("deploymentKey", "key-12345678").add("appVersion", "1.0").add("packageHash", "abc").add("label", "r1").add("clientUniqueId", "device-1"));
    assertThat(camel).isEqualTo(snake);
  }

  @Test
  void refusesWhatTheSdkNeverSends() {
    assertThatThrownBy(() -> parse(MultiMap.caseInsensitiveMultiMap().add("app_version", "1.0.0").add("client_unique_id", "d")))
        .hasMessageContaining("valid deployment key");
    assertThatThrownBy(() -> parse(params().add("is_companion", "yes"))).hasMessageContaining("is_companion");
    assertThatThrownBy(() -> parse(params().add("label", "r1").add("label", "r2"))).hasMessageContaining("given 2 times");
    assertThatThrownBy(() -> parse(params().add("label", "x".repeat(129)))).hasMessageContaining("longer than 128");
    assertThatThrownBy(() -> parse(params().add("label", "a\nb"))).hasMessageContaining("control characters");
    assertThatThrownBy(() -> parse(MultiMap.caseInsensitiveMultiMap().add("deployment_key", "key-12345678").add("client_unique_id", "d")))
        .hasMessageContaining("binary version");
  }

  private static UpdateCheckQuery parse(MultiMap params) throws CodePushRequestException {
    return UpdateCheckQuery.parse(QueryParams.of(params));
  }

  private static MultiMap params() {
    return MultiMap.caseInsensitiveMultiMap().add("deployment_key", "key-12345678").add("app_version", "1.0.0").add("client_unique_id", "d");
  }
}
