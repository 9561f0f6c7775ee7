package com.kivyx.ota.dashboard.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.vertx.core.MultiMap;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How the sign-in proxy's headers are read, and that only impersonation mode reads them. */
class ProxyHeadersTest {
  @Test
  void groupsComeRepeatedCommaSeparatedOrBoth() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("x-forwarded-user", " alice ")
        .add("X-Forwarded-Groups", "dev, releasers").add("X-Forwarded-Groups", "ops,dev,");
    assertThat(ProxyHeaders.DEFAULT.read(headers::getAll)).hasValue(new ProxiedUser("alice", java.util.List.of("dev", "releasers", "ops")));
  }

  @Test
  void noNameBlankNameOrTwoNamesIsNobody() {
    assertThat(ProxyHeaders.DEFAULT.read(MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-Groups", "releasers")::getAll)).isEmpty();
    assertThat(ProxyHeaders.DEFAULT.read(MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-User", " ")::getAll)).isEmpty();
    assertThat(ProxyHeaders.DEFAULT.read(MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-User", "alice").add("X-Forwarded-User", "bob")::getAll)).isEmpty();
  }

  @Test
  void configurableNames() {
    ProxyHeaders remote = new ProxyHeaders("X-Remote-User", "X-Remote-Group");
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-User", "mallory").add("X-Remote-User", "alice").add("X-Remote-Group", "a");
    assertThat(remote.read(headers::getAll)).hasValue(new ProxiedUser("alice", java.util.List.of("a")));
  }

  @Test
  void tokenModeNeverReadsTheProxyHeaders() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-User", "alice").add("X-Forwarded-Groups", "system:masters");
    try (RolloutActions token = new RolloutActions(Config.empty(), RolloutActions.Mode.TOKEN)) {
      Identity who = token.identify(headers::getAll);
      assertThat(who.proxied()).isEmpty();
      assertThat(who.bearerToken()).isEmpty();
      assertThat(token.identify(headers.add("Authorization", "Bearer t0k")::getAll).bearerToken()).isEqualTo(Optional.of("t0k"));
    }
  }
}
