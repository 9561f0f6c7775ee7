package com.kivyx.ota.crds;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Puts a Release on a Channel step by step, in the style of Argo Rollouts. */
public record RolloutSpec(
    @JsonPropertyDescription("Channel (same namespace).") @Required @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$") String channel,
    @JsonPropertyDescription("Release (same namespace).") @Required @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$") String release,
    @JsonPropertyDescription("Devices must install it before running on.") Boolean mandatory,
    @JsonPropertyDescription("Who gets it; every part given must hold.") TargetingSpec targeting,
    @JsonPropertyDescription("setWeight, pause and analysis steps; after the last step the release reaches 100%.") @Size(max = 50) List<Step> steps,
    @JsonPropertyDescription("true takes the release out of the channel.") Boolean abort,
    @JsonPropertyDescription("Crash guardrail: halt the rollout when the release fails clearly more trials than its limit.") AnalysisSpec analysis) {

  /** Without a guardrail. */
  public RolloutSpec(String channel, String release, Boolean mandatory, TargetingSpec targeting, List<Step> steps, Boolean abort) {
    this(channel, release, mandatory, targeting, steps, abort, null);
  }

  /** One step: exactly one of setWeight, pause or analysis. */
  @ValidationRule(value = "(has(self.setWeight) ? 1 : 0) + (has(self.pause) ? 1 : 0) + (has(self.analysis) ? 1 : 0) == 1",
      message = "a step is exactly one of setWeight, pause or analysis")
  public record Step(
      @JsonPropertyDescription("Percent of devices (0-100).") @Min(0) @Max(100) Integer setWeight,
      @JsonPropertyDescription("Wait: {duration: 1h} for a while, {} until promoted with the ota.kivyx.com/promote annotation.") Pause pause,
      @JsonPropertyDescription("Evidence gate: wait until minTrials trials have settled without a halt (needs the operator's --prometheus-url).")
          AnalysisSpec.Gate analysis) {
    public Step(Integer setWeight, Pause pause) {
      this(setWeight, pause, null);
    }
  }

  /** A pause; without a duration, until promoted. */
  public record Pause(@JsonPropertyDescription("e.g. 30m, 1h, 1h30m.") @Pattern("^([0-9]+(s|m|h))+$") String duration) {}

  /** Targeting, as in the channel index (see docs/formats.md). */
  public record TargetingSpec(String rnVersion, @Size(min = 1) List<String> arch, List<AttributeRuleSpec> attributes) {}

  /** A rule on a custom device attribute. */
  public record AttributeRuleSpec(
      @Required String attribute,
      @Required @Pattern("^(in|notIn|eq|semver)$") String op,
      List<String> values,
      String value) {}
}
