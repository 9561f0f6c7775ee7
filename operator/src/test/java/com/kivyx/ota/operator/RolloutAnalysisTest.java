package com.kivyx.ota.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.analysis.Baseline;
import com.kivyx.ota.analysis.Observation;
import com.kivyx.ota.analysis.TrialCounts;
import com.kivyx.ota.analysis.Verdict;
import com.kivyx.ota.crds.AnalysisSpec;
import com.kivyx.ota.crds.AnalysisStatus;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.prometheus.PrometheusTrials;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One look turned into a status, on the README's worked example (the data source is a fixed answer). */
class RolloutAnalysisTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final Instant NOW = T0.plusSeconds(6120);
  private static final ChannelId CHANNEL = new ChannelId("com.example.app", Platform.ANDROID, "production");
  private static final RolloutAnalysis.Run RUN = new RolloutAnalysis.Run(1, T0,
      Optional.of(new Baselines.Choice("app-1-0-0", new Baseline("app-1-0-0", new TrialCounts(6204 - 31, 31)))));

  private static RolloutAnalysis answering(Observation observation, Map<String, Long> byReason) {
    return new RolloutAnalysis((channel, release, start, now) -> {
      assertThat(start).isEqualTo(T0); // counts start at the run's start
      return new PrometheusTrials.Result(observation, byReason, "sum by (type, reason) (increase(...[6120s]))");
    });
  }

  @Test
  void aHaltCarriesEveryNumber() {
    RolloutAnalysis.Look look = answering(new Observation.Counted(new TrialCounts(398, 14), NOW), Map.of("jsError", 9L, "launchTimeout", 5L))
        .look(CHANNEL, "app-1-0-1", AnalysisSettings.of(null), RUN, NOW);
    assertThat(look.verdict()).isEqualTo(Verdict.HALT);
    AnalysisStatus s = look.status();
    assertThat(s.verdict()).isEqualTo(AnalysisStatus.HALT);
    assertThat(s.trials()).isEqualTo(412);
    assertThat(s.failures()).isEqualTo(14);
    assertThat(s.failureRate()).isEqualTo("3.40%");
    assertThat(s.limit()).isEqualTo("1.03%");
    assertThat(s.evidence()).isBetween(252.0, 254.0);
    assertThat(s.baseline()).isEqualTo(new AnalysisStatus.Baseline("app-1-0-0", "app-1-0-0", 6204L, 31L));
    assertThat(s.query()).startsWith("sum by (type, reason)");
    assertThat(s.message()).contains("14 of 412", "253:1 >= 100:1", "jsError=9");
    // the gates answer from the same counts: 412 trials but a halt is never a pass
    assertThat(look.passes(300)).isFalse();
  }

  @Test
  void aGoodReleasePassesItsGateOnlyWithEnoughTrials() {
    RolloutAnalysis.Look look = answering(new Observation.Counted(new TrialCounts(297, 3), NOW), Map.of())
        .look(CHANNEL, "app-1-0-1", AnalysisSettings.of(null), RUN, NOW);
    assertThat(look.verdict()).isEqualTo(Verdict.PASS);
    assertThat(look.passes(300)).isTrue();
    assertThat(look.passes(301)).isFalse();
    assertThat(look.why(301)).contains("300 of 301 required trials");
  }

  @Test
  void noDataIsInconclusiveAndPassesNoGate() {
    RolloutAnalysis.Look look = answering(new Observation.Missing("Prometheus answered 503"), Map.of())
        .look(CHANNEL, "app-1-0-1", AnalysisSettings.of(new AnalysisSpec(null, null, null, null, "1s", null, true)), RUN, NOW);
    assertThat(look.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(look.status().trials()).isNull();
    assertThat(look.status().message()).contains("Prometheus answered 503", "dryRun");
    assertThat(look.passes(1)).isFalse();
  }
}
