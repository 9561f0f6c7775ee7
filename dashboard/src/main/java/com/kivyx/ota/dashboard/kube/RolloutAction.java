package com.kivyx.ota.dashboard.kube;

import com.kivyx.ota.crds.Rollout;
import com.kivyx.ota.crds.RolloutStatus;
import java.util.Optional;

/**
 * The three buttons, each one annotation on the Rollout (metadata: a GitOps sync of the spec
 * leaves it alone). Promote and Resume carry the step or run they are meant for, so a stale click
 * never skips a later pause or undoes a later halt.
 */
public enum RolloutAction {
  PROMOTE("promote", Rollout.PROMOTE_ANNOTATION),
  ABORT("abort", Rollout.ABORT_ANNOTATION),
  RESUME("resume", Rollout.RESUME_ANNOTATION);

  private final String path;
  private final String annotation;

  RolloutAction(String path, String annotation) {
    this.path = path;
    this.annotation = annotation;
  }

  public String path() {
    return path;
  }

  public String annotation() {
    return annotation;
  }

  public static Optional<RolloutAction> ofPath(String path) {
    for (RolloutAction a : values()) {
      if (a.path.equals(path)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** The annotation's value for this Rollout now, or empty when the action does not apply (with why in the result). */
  Optional<String> value(Rollout rollout) {
    RolloutStatus status = rollout.getStatus();
    return switch (this) {
      case PROMOTE -> Optional.ofNullable(status).map(RolloutStatus::currentStep).map(String::valueOf);
      case ABORT -> Optional.of("true");
      case RESUME -> Optional.ofNullable(status).filter(s -> RolloutStatus.HALTED.equals(s.phase()))
          .map(RolloutStatus::analysis).map(a -> a.run()).map(String::valueOf);
    };
  }
}
