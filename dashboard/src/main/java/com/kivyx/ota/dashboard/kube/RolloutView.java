package com.kivyx.ota.dashboard.kube;

import com.kivyx.ota.crds.AnalysisStatus;
import com.kivyx.ota.crds.Channel;
import com.kivyx.ota.crds.Rollout;
import com.kivyx.ota.crds.RolloutSpec;
import com.kivyx.ota.crds.RolloutStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Rollout as the pages show it: its steps with the current one marked, phase, guardrail
 * verdict, and which buttons make sense now (the operator still decides: a stale click is
 * harmless, the annotations carry the step or run they are meant for).
 */
public record RolloutView(
    String namespace,
    String name,
    String channelResource,
    Optional<String> appId,
    Optional<String> channelName,
    String release,
    String phase,
    int currentStep,
    int currentWeight,
    List<Step> steps,
    Optional<String> message,
    Optional<String> pauseStartedAt,
    Optional<AnalysisStatus> analysis,
    boolean abortRequested,
    Optional<String> pauseDuration) {

  /** One step: "set weight 10%", "pause 1h", "pause until promoted", "analysis gate". */
  public record Step(int number, String label, String state) {}

  public static RolloutView of(Rollout rollout, Optional<Channel> channel) {
    RolloutSpec spec = rollout.getSpec();
    RolloutStatus status = rollout.getStatus();
    int current = status == null || status.currentStep() == null ? 0 : status.currentStep();
    List<Step> steps = new ArrayList<>();
    List<RolloutSpec.Step> specSteps = spec.steps() == null ? List.of() : spec.steps();
    for (int i = 0; i < specSteps.size(); i++) {
      RolloutSpec.Step s = specSteps.get(i);
      String label = s.setWeight() != null ? "set weight " + s.setWeight() + "%"
          : s.pause() != null ? (s.pause().duration() == null ? "pause until promoted" : "pause " + s.pause().duration())
          : "analysis gate" + (s.analysis() != null && s.analysis().minTrials() != null ? " (" + s.analysis().minTrials() + " trials)" : "");
      String phase = status == null ? null : status.phase();
      boolean stopped = RolloutStatus.ABORTED.equals(phase) || RolloutStatus.HALTED.equals(phase);
      String state = i < current ? "done" : i == current ? (stopped ? "stopped" : "current") : "pending";
      steps.add(new Step(i, label, state));
    }
    return new RolloutView(
        rollout.getMetadata().getNamespace(), rollout.getMetadata().getName(), spec.channel(),
        channel.map(c -> c.getSpec().appId()), channel.map(Channel::channelName), spec.release(),
        status == null || status.phase() == null ? "Pending" : status.phase(), current,
        status == null || status.currentWeight() == null ? 0 : status.currentWeight(), steps,
        Optional.ofNullable(status).map(RolloutStatus::message), Optional.ofNullable(status).map(RolloutStatus::pauseStartedAt),
        Optional.ofNullable(status).map(RolloutStatus::analysis), rollout.abortRequested(),
        current < specSteps.size() && specSteps.get(current).pause() != null ? Optional.ofNullable(specSteps.get(current).pause().duration()) : Optional.empty());
  }

  public boolean active() {
    return !(RolloutStatus.ABORTED.equals(phase) || RolloutStatus.COMPLETED.equals(phase) || RolloutStatus.SUPERSEDED.equals(phase));
  }

  /** When a timed pause at the current step ends (the operator moves on then), or empty. */
  public Optional<String> pauseEndsAt() {
    if (currentStep >= steps.size() || pauseStartedAt.isEmpty() || pauseDuration.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(java.time.Instant.parse(pauseStartedAt.get()).plus(parseDuration(pauseDuration.get())).toString());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** "1h30m" as the CRD allows it ({@code ^([0-9]+(s|m|h))+$}). */
  static java.time.Duration parseDuration(String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+)([smh])").matcher(text);
    java.time.Duration total = java.time.Duration.ZERO;
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "h" -> java.time.Duration.ofHours(n);
        case "m" -> java.time.Duration.ofMinutes(n);
        default -> java.time.Duration.ofSeconds(n);
      });
    }
    return total;
  }

  public boolean canPromote() {
    return RolloutStatus.PAUSED.equals(phase) || RolloutStatus.PROGRESSING.equals(phase);
  }

  public boolean canAbort() {
    return !abortRequested && active();
  }

  public boolean canResume() {
    return RolloutStatus.HALTED.equals(phase) && analysis.map(AnalysisStatus::run).isPresent();
  }
}
