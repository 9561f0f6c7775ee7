package com.kivyx.ota.operator;

import com.kivyx.ota.crds.RolloutSpec;
import com.kivyx.ota.crds.RolloutStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Rollout step machine, as a pure function of the spec, the last status, whether the
 * release is published, the promote annotation and the time. Timed pauses come back as a
 * requeue delay: nothing waits on a thread.
 */
final class RolloutSteps {
  private static final Pattern DURATION_PART = Pattern.compile("(\\d+)([smh])");
  static final Duration WAIT_FOR_RELEASE = Duration.ofSeconds(30);

  private RolloutSteps() {}

  /** The next status, and when to look again (empty: only when something changes). */
  record Outcome(String phase, int step, int weight, String pauseStartedAt, String message, Optional<Duration> requeueAfter) {}

  /** What the guardrail says about an evidence gate ({@code analysis: {minTrials: N}} step). */
  interface Gates {
    /** No guardrail: a gate waits until promoted. */
    Gates NONE = new Gates() {
      @Override
      public boolean passes(long minTrials) {
        return false;
      }

      @Override
      public String why(long minTrials) {
        return "no guardrail data (run the operator with --prometheus-url)";
      }

      @Override
      public Optional<Duration> recheck() {
        return Optional.empty();
      }
    };

    /** Only a Pass verdict with this many trials passes; Inconclusive never does. */
    boolean passes(long minTrials);

    String why(long minTrials);

    Optional<Duration> recheck();
  }

  static Outcome next(RolloutSpec spec, RolloutStatus status, boolean releasePublished, Optional<Integer> promotedStep, Instant now) {
    return next(spec, status, releasePublished, promotedStep, now, Gates.NONE);
  }

  /** The weight the steps before {@code step} set (what a resumed rollout goes back to). */
  static int weightBefore(RolloutSpec spec, int step) {
    int weight = 0;
    List<RolloutSpec.Step> steps = spec.steps() == null ? List.of() : spec.steps();
    for (int i = 0; i < Math.min(step, steps.size()); i++) {
      if (steps.get(i).setWeight() != null) {
        weight = steps.get(i).setWeight();
      }
    }
    return step >= steps.size() ? 100 : weight;
  }

  static Outcome next(RolloutSpec spec, RolloutStatus status, boolean releasePublished, Optional<Integer> promotedStep, Instant now, Gates gates) {
    int step = status == null || status.currentStep() == null ? 0 : status.currentStep();
    int weight = status == null || status.currentWeight() == null ? 0 : status.currentWeight();
    String pauseStartedAt = status == null ? null : status.pauseStartedAt();
    if (Boolean.TRUE.equals(spec.abort())) {
      return new Outcome(RolloutStatus.ABORTED, step, 0, null, "aborted: the release is out of the channel", Optional.empty());
    }
    if (!releasePublished) {
      return new Outcome(RolloutStatus.PROGRESSING, step, weight, pauseStartedAt,
          "waiting for Release " + spec.release() + " to be published", Optional.of(WAIT_FOR_RELEASE));
    }
    List<RolloutSpec.Step> steps = spec.steps() == null ? List.of() : spec.steps();
    while (step < steps.size()) {
      RolloutSpec.Step current = steps.get(step);
      if (current.setWeight() != null) {
        weight = current.setWeight();
        step++;
        pauseStartedAt = null;
        continue;
      }
      if (current.analysis() != null) {
        long minTrials = current.analysis().minTrials();
        if (gates.passes(minTrials) || (promotedStep.isPresent() && promotedStep.get() == step)) {
          step++;
          pauseStartedAt = null;
          continue;
        }
        return new Outcome(RolloutStatus.PROGRESSING, step, weight, null,
            "at " + weight + "%, gate at step " + step + " waits for " + minTrials + " settled trials: " + gates.why(minTrials)
                + "; pass it by hand with: kubectl annotate rollout <name> " + com.kivyx.ota.crds.Rollout.PROMOTE_ANNOTATION + "=" + step + " --overwrite",
            gates.recheck());
      }
      String duration = current.pause() == null ? null : current.pause().duration();
      if (duration == null) {
        if (promotedStep.isPresent() && promotedStep.get() == step) {
          step++;
          pauseStartedAt = null;
          continue;
        }
        return new Outcome(RolloutStatus.PAUSED, step, weight, null,
            "paused at step " + step + " with " + weight + "%; promote with: kubectl annotate rollout <name> "
                + com.kivyx.ota.crds.Rollout.PROMOTE_ANNOTATION + "=" + step + " --overwrite",
            Optional.empty());
      }
      Instant started = pauseStartedAt == null ? now : Instant.parse(pauseStartedAt);
      Instant until = started.plus(parse(duration));
      if (now.isBefore(until)) {
        return new Outcome(RolloutStatus.PROGRESSING, step, weight, started.toString(),
            "at " + weight + "%, pausing until " + until, Optional.of(Duration.between(now, until)));
      }
      step++;
      pauseStartedAt = null;
    }
    return new Outcome(RolloutStatus.COMPLETED, step, 100, null, "complete: offered to every matching device", Optional.empty());
  }

  /** {@code 1h30m}, {@code 45s}: the CRD's pattern guarantees the shape. */
  static Duration parse(String text) {
    Matcher m = DURATION_PART.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        throw new IllegalArgumentException("not a duration like 1h30m: " + text);
      }
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "h" -> Duration.ofHours(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofSeconds(n);
      });
      end = m.end();
    }
    if (end != text.length() || end == 0) {
      throw new IllegalArgumentException("not a duration like 1h30m: " + text);
    }
    return total;
  }
}
