package com.kivyx.ota.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kivyx.ota.crds.RolloutSpec;
import com.kivyx.ota.crds.RolloutSpec.Pause;
import com.kivyx.ota.crds.RolloutSpec.Step;
import com.kivyx.ota.crds.RolloutStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RolloutStepsTest {
  private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
  private static final RolloutSpec SPEC = new RolloutSpec("production", "rel-2", false, null,
      List.of(new Step(10, null), new Step(null, new Pause("1h")), new Step(50, null), new Step(null, new Pause(null)), new Step(80, null)), false);

  private static RolloutStatus status(RolloutSteps.Outcome o) {
    return new RolloutStatus(o.phase(), o.step(), o.weight(), o.pauseStartedAt(), o.message(), 1L, null);
  }

  @Test
  void walksTheStepsAndRequeuesForTimedPauses() {
    RolloutSteps.Outcome first = RolloutSteps.next(SPEC, null, true, Optional.empty(), T0);
    assertThat(first.weight()).isEqualTo(10);
    assertThat(first.step()).isEqualTo(1);
    assertThat(first.phase()).isEqualTo(RolloutStatus.PROGRESSING);
    assertThat(first.requeueAfter()).contains(Duration.ofHours(1));

    RolloutSteps.Outcome halfway = RolloutSteps.next(SPEC, status(first), true, Optional.empty(), T0.plus(Duration.ofMinutes(30)));
    assertThat(halfway.step()).isEqualTo(1);
    assertThat(halfway.requeueAfter()).contains(Duration.ofMinutes(30));

    RolloutSteps.Outcome paused = RolloutSteps.next(SPEC, status(halfway), true, Optional.empty(), T0.plus(Duration.ofHours(1)));
    assertThat(paused.phase()).isEqualTo(RolloutStatus.PAUSED);
    assertThat(paused.step()).isEqualTo(3);
    assertThat(paused.weight()).isEqualTo(50);
    assertThat(paused.requeueAfter()).isEmpty();
    assertThat(paused.message()).contains("ota.kivyx.com/promote=3");

    // A promote annotation for another step does not pass this pause.
    assertThat(RolloutSteps.next(SPEC, status(paused), true, Optional.of(1), T0.plus(Duration.ofHours(2))).phase()).isEqualTo(RolloutStatus.PAUSED);
    RolloutSteps.Outcome done = RolloutSteps.next(SPEC, status(paused), true, Optional.of(3), T0.plus(Duration.ofHours(2)));
    assertThat(done.phase()).isEqualTo(RolloutStatus.COMPLETED);
    assertThat(done.weight()).isEqualTo(100);
  }

  @Test
  void waitsForTheReleaseAndAborts() {
    RolloutSteps.Outcome waiting = RolloutSteps.next(SPEC, null, false, Optional.empty(), T0);
    assertThat(waiting.weight()).isZero();
    assertThat(waiting.message()).contains("waiting for Release rel-2");
    assertThat(waiting.requeueAfter()).contains(RolloutSteps.WAIT_FOR_RELEASE);
    RolloutSpec aborted = new RolloutSpec("production", "rel-2", false, null, SPEC.steps(), true);
    RolloutSteps.Outcome out = RolloutSteps.next(aborted, new RolloutStatus("Progressing", 2, 50, null, "", 1L, null), true, Optional.empty(), T0);
    assertThat(out.phase()).isEqualTo(RolloutStatus.ABORTED);
    assertThat(out.weight()).isZero();
  }

  @Test
  void noStepsMeansStraightToEveryone() {
    RolloutSpec spec = new RolloutSpec("production", "rel-2", true, null, null, null);
    RolloutSteps.Outcome out = RolloutSteps.next(spec, null, true, Optional.empty(), T0);
    assertThat(out.phase()).isEqualTo(RolloutStatus.COMPLETED);
    assertThat(out.weight()).isEqualTo(100);
  }

  /** Gates whose answer is fixed per required trials: passes when at least {@code settled} trials are in. */
  private static RolloutSteps.Gates settled(long settled) {
    return new RolloutSteps.Gates() {
      @Override
      public boolean passes(long minTrials) {
        return settled >= minTrials;
      }

      @Override
      public String why(long minTrials) {
        return settled + " of " + minTrials + " settled";
      }

      @Override
      public Optional<Duration> recheck() {
        return Optional.of(Duration.ofSeconds(5));
      }
    };
  }

  @Test
  void anEvidenceGateHoldsUntilItsTrialsAreInOrItIsPromoted() {
    RolloutSpec spec = new RolloutSpec("production", "rel-2", false, null,
        List.of(new Step(5, null), new Step(null, null, new com.kivyx.ota.crds.AnalysisSpec.Gate(300)), new Step(50, null)), false);
    RolloutSteps.Outcome waiting = RolloutSteps.next(spec, null, true, Optional.empty(), T0, settled(299));
    assertThat(waiting.phase()).isEqualTo(RolloutStatus.PROGRESSING);
    assertThat(waiting.step()).isEqualTo(1);
    assertThat(waiting.weight()).isEqualTo(5);
    assertThat(waiting.message()).contains("waits for 300 settled trials", "299 of 300 settled", "ota.kivyx.com/promote=1");
    assertThat(waiting.requeueAfter()).contains(Duration.ofSeconds(5));
    // without a guardrail a gate never passes by itself
    assertThat(RolloutSteps.next(spec, status(waiting), true, Optional.empty(), T0, RolloutSteps.Gates.NONE).step()).isEqualTo(1);
    assertThat(RolloutSteps.next(spec, status(waiting), true, Optional.of(1), T0, RolloutSteps.Gates.NONE).phase()).isEqualTo(RolloutStatus.COMPLETED);
    RolloutSteps.Outcome passed = RolloutSteps.next(spec, status(waiting), true, Optional.empty(), T0, settled(300));
    assertThat(passed.phase()).isEqualTo(RolloutStatus.COMPLETED);
    assertThat(passed.weight()).isEqualTo(100);
  }

  @Test
  void theWeightAResumedRolloutGoesBackTo() {
    assertThat(RolloutSteps.weightBefore(SPEC, 0)).isZero();
    assertThat(RolloutSteps.weightBefore(SPEC, 1)).isEqualTo(10);
    assertThat(RolloutSteps.weightBefore(SPEC, 3)).isEqualTo(50);
    assertThat(RolloutSteps.weightBefore(SPEC, 5)).isEqualTo(100);
  }

  @Test
  void parsesDurations() {
    assertThat(RolloutSteps.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(RolloutSteps.parse("45s")).isEqualTo(Duration.ofSeconds(45));
    assertThatThrownBy(() -> RolloutSteps.parse("1d")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RolloutSteps.parse("")).isInstanceOf(IllegalArgumentException.class);
  }
}
