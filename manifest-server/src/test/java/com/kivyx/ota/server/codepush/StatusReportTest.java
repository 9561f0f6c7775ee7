package com.kivyx.ota.server.codepush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusReportTest {
  private static byte[] b(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void deployReportsBecomeDeviceEvents() throws Exception {
    assertThat(StatusReport.deploy(b("{\"app_version\":\"1.0\",\"deployment_key\":\"key-12345678\",\"label\":\"r1\",\"status\":\"DeploymentSucceeded\",\"client_unique_id\":\"d\"}")))
        .isEqualTo(new StatusReport("key-12345678", Optional.of("r1"), Optional.of("healthy")));
    assertThat(StatusReport.deploy(b("{\"appVersion\":\"1.0\",\"deploymentKey\":\"key-12345678\",\"label\":\"r1\",\"status\":\"DeploymentFailed\",\"previous_label_or_app_version\":\"1.0\"}")).type())
        .contains("rolledBack");
    // the binary's own bundle: no label, nothing to count
    assertThat(StatusReport.deploy(b("{\"app_version\":\"1.0\",\"deployment_key\":\"key-12345678\"}")).type()).isEmpty();
    assertThat(StatusReport.download(b("{\"client_unique_id\":\"d\",\"deployment_key\":\"key-12345678\",\"label\":\"r1\"}")))
        .isEqualTo(new StatusReport("key-12345678", Optional.of("r1"), Optional.of("downloaded")));
  }

  @Test
  void refusesReportsTheSdkNeverSends() {
    String[] deploys = {
      "{\"deployment_key\":\"key-12345678\",\"label\":\"r1\",\"status\":\"DeploymentSucceeded\"}",
      "{\"app_version\":\"1.0\",\"deployment_key\":\"key-12345678\",\"label\":\"r1\"}",
      "{\"app_version\":\"1.0\",\"deployment_key\":\"key-12345678\",\"label\":\"r1\",\"status\":\"Installed\"}",
      "{\"app_version\":\"1.0\",\"deployment_key\":\"k\",\"label\":\"r1\",\"status\":\"DeploymentFailed\"}",
      "{\"app_version\":1,\"deployment_key\":\"key-12345678\"}",
      "{\"app_version\":\"1.0\",\"deployment_key\":\"key-12345678\",\"app_version\":\"2.0\"}",
      "[]",
      "{\"app_version\":\"1.0\",\"deployment_key\":\"key-12345678\"} trailing",
    };
    for (String body : deploys) {
      assertThatThrownBy(() -> StatusReport.deploy(b(body))).as(body).isInstanceOf(CodePushRequestException.class);
    }
    assertThatThrownBy(() -> StatusReport.download(b("{\"deployment_key\":\"key-12345678\"}"))).hasMessageContaining("package label");
  }
}
