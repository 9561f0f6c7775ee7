package com.kivyx.ota.dashboard.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.crds.Rollout;
import com.kivyx.ota.crds.RolloutSpec;
import com.kivyx.ota.crds.RolloutStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a Rollout's steps, pause timer and buttons are read from its spec, status and annotations. */
class RolloutViewTest {

  @Test
  void stepsTimedPauseAndButtons() {
    RolloutView view = RolloutView.of(rollout(Map.of(), false,
        new RolloutStatus(RolloutStatus.PAUSED, 1, 10, "2026-12-01T10:00:00Z", "paused", 1L, List.of())), Optional.empty());
    assertThat(view.steps()).extracting(RolloutView.Step::label, RolloutView.Step::state)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("set weight 10%", "done"), org.assertj.core.groups.Tuple.tuple("pause 1h30m", "current"),
            org.assertj.core.groups.Tuple.tuple("pause until promoted", "pending"));
    assertThat(view.pauseEndsAt()).contains("2026-12-01T11:30:00Z");
    assertThat(view.canPromote()).isTrue();
    assertThat(view.canAbort()).isTrue();
    assertThat(view.canResume()).isFalse();
  }

  @Test
  void abortBySpecOrAnnotationDisablesAbort() {
    RolloutStatus paused = new RolloutStatus(RolloutStatus.PAUSED, 2, 10, null, null, 1L, List.of());
    assertThat(RolloutView.of(rollout(Map.of(Rollout.ABORT_ANNOTATION, "true"), false, paused), Optional.empty()).canAbort()).isFalse();
    assertThat(RolloutView.of(rollout(Map.of(), true, paused), Optional.empty()).canAbort()).isFalse();
    assertThat(RolloutView.of(rollout(Map.of(Rollout.ABORT_ANNOTATION, "no"), false, paused), Optional.empty()).canAbort()).isTrue();
    RolloutView completed = RolloutView.of(rollout(Map.of(), false, new RolloutStatus(RolloutStatus.COMPLETED, 3, 100, null, null, 1L, List.of())), Optional.empty());
    assertThat(completed.active()).isFalse();
    assertThat(completed.canAbort()).isFalse();
    assertThat(completed.pauseEndsAt()).isEmpty();
    RolloutView aborted = RolloutView.of(rollout(Map.of(), true, new RolloutStatus(RolloutStatus.ABORTED, 1, 0, null, null, 1L, List.of())), Optional.empty());
    assertThat(aborted.steps().get(1).state()).isEqualTo("stopped");
  }

  private static Rollout rollout(Map<String, String> annotations, boolean specAbort, RolloutStatus status) {
    Rollout rollout = new Rollout();
    rollout.setMetadata(new ObjectMetaBuilder().withName("ro").withNamespace("ns").withAnnotations(annotations).build());
    rollout.setSpec(new RolloutSpec("production", "r1", false, null, List.of(new RolloutSpec.Step(10, null),
        new RolloutSpec.Step(null, new RolloutSpec.Pause("1h30m")), new RolloutSpec.Step(null, new RolloutSpec.Pause(null))), specAbort));
    rollout.setStatus(status);
    return rollout;
  }
}
