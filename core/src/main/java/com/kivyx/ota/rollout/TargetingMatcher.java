package com.kivyx.ota.rollout;

import com.kivyx.ota.format.AttributeRule;
import com.kivyx.ota.format.Semver;
import com.kivyx.ota.format.SemverRange;
import com.kivyx.ota.format.Targeting;
import java.util.Optional;

/** Whether a device meets a rollout's targeting; a missing input fails the part that needs it. */
public final class TargetingMatcher {
  private TargetingMatcher() {}

  public static boolean matches(Targeting targeting, Device device) {
    if (targeting == null) {
      return true;
    }
    if (targeting.rnVersion() != null && !inRange(targeting.rnVersion(), device.rnVersion())) {
      return false;
    }
    if (targeting.arch() != null
        && !device.arch().map(a -> targeting.arch().contains(a)).orElse(false)) {
      return false;
    }
    if (targeting.attributes() != null) {
      for (AttributeRule rule : targeting.attributes()) {
        if (!matches(rule, Optional.ofNullable(device.attributes().get(rule.attribute())))) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean matches(AttributeRule rule, Optional<String> actual) {
    return switch (rule.op()) {
      case "in" -> actual.map(v -> rule.values().contains(v)).orElse(false);
      case "notIn" -> actual.map(v -> !rule.values().contains(v)).orElse(true);
      case "eq" -> actual.map(v -> v.equals(rule.value())).orElse(false);
      case "semver" -> inRange(rule.value(), actual);
      default -> false; // unreachable: AttributeRule refuses other operators
    };
  }

  private static boolean inRange(String range, Optional<String> version) {
    Optional<Semver> parsed = version.flatMap(Semver::parse);
    return parsed.isPresent() && SemverRange.parse(range).matches(parsed.get());
  }
}
