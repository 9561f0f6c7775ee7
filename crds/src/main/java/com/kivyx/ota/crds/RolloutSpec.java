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
    @JsonPropertyDescription("setWeight and pause steps; after the last step the release reaches 100%.") @Size(max = 50) List<Step> steps,
    @JsonPropertyDescription("true takes the release out of the channel.") Boolean abort) {

  /** One step: exactly one of setWeight or pause. */
  @ValidationRule(value = "has(self.setWeight) != has(self.pause)", message = "a step is either setWeight or pause")
  public record Step(
      @JsonPropertyDescription("Percent of devices (0-100).") @Min(0) @Max(100) Integer setWeight,
      @JsonPropertyDescription("Wait: {duration: 1h} for a while, {} until promoted with the ota.kivyx.com/promote annotation.") Pause pause) {}

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
