package com.kivyx.ota.crds;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CrdDriftTest {
  private static final Path CHART = Path.of(System.getProperty("kivyx.repo.dir", "..")).resolve(CrdYaml.CHART_CRDS);

  @Test
  void chartCrdsAreWhatTheModelGenerates() throws Exception {
    Map<String, String> generated = CrdYaml.generate();
    assertThat(generated).containsOnlyKeys(
        "releases.ota.kivyx.com-v1.yml", "channels.ota.kivyx.com-v1.yml", "rollouts.ota.kivyx.com-v1.yml");
    for (Map.Entry<String, String> file : generated.entrySet()) {
      Path inChart = CHART.resolve(file.getKey());
      assertThat(inChart).as("run scripts/generate-crds").exists();
      assertThat(Files.readString(inChart)).as("%s drifted from the Java model: run scripts/generate-crds", inChart).isEqualTo(file.getValue());
    }
  }

  @Test
  void theModelCarriesItsValidation() throws Exception {
    String release = CrdYaml.generate().get("releases.ota.kivyx.com-v1.yml");
    assertThat(release).contains("self == oldSelf").contains("^[0-9a-f]{64}$").contains("otarel").contains("- \"ios\"");
    String rollout = CrdYaml.generate().get("rollouts.ota.kivyx.com-v1.yml");
    assertThat(rollout).contains("maximum: 100.0").contains("(has(self.setWeight) ? 1 : 0) + (has(self.pause) ? 1")
        .contains("^(weightZero|revoke|pause)$").contains("exclusiveMinimum: true").contains("name: \"Verdict\"");
  }
}
