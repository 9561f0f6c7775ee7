package com.kivyx.ota.vectors;

import static com.kivyx.ota.testing.SampleDocuments.entry;
import static com.kivyx.ota.testing.SampleDocuments.index;

import com.kivyx.ota.format.AttributeRule;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.Targeting;
import com.kivyx.ota.rollout.Buckets;
import com.kivyx.ota.rollout.Decision;
import com.kivyx.ota.rollout.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cases of {@code decisions.json}. Each expected answer is written here by hand from the
 * rules in DESIGN.md; the generator refuses to write a case the Java function disagrees with.
 */
final class DecisionVectors {
  record Case(String name, ChannelIndex index, Device device, Decision expected) {}

  static final List<String[]> BUCKET_INPUTS =
      List.of(
          new String[] {"rollout-1", "device-1"},
          new String[] {"r-abc", "d-xyz"},
          new String[] {"7f0c2c5e-1b1e-4e55-9f8e-0d8c6c2f3a11", "ios-device-0001"},
          new String[] {"", ""},
          new String[] {"röllout", "dévice"},
          new String[] {"ro-rel-b", "device-boundary"},
          new String[] {"ro-rel-half", "device-a"},
          new String[] {"ro-rel-half", "device-b"});

  private final List<Case> cases = new ArrayList<>();

  List<Case> cases() {
    basics();
    bucketBoundary();
    revocation();
    versionFloor();
    mandatoryEscalation();
    targeting();
    return cases;
  }

  private void basics() {
    ChannelIndex index =
        index(
            1,
            0,
            List.of(
                entry("rel-1", 1, "1.0.0", 10_000, false, null),
                entry("rel-2", 2, "1.0.0", 10_000, false, null),
                entry("rel-3", 3, "1.0.0", 0, false, null),
                entry("rel-20", 20, "2.0.0", 10_000, false, null)),
            List.of());
    add("embedded-gets-newest-full-weight", index, device("d1", "1.0.0"), update("rel-2", false));
    add("latest-is-current", index, device("d1", "1.0.0").onRelease("rel-2"), none());
    add("older-release-updates", index, device("d1", "1.0.0").onRelease("rel-1"), update("rel-2", false));
    for (String id : List.of("d2", "d3", "d4", "d5")) {
      add("weight-10000-reaches-" + id, index, device(id, "1.0.0"), update("rel-2", false));
    }
    add("weight-0-never-offered", index, device("d6", "1.0.0").onRelease("rel-2"), none());
    add("weight-0-current-moves-down", index, device("d6", "1.0.0").onRelease("rel-3"), update("rel-2", false));
    add("other-runtime-gets-its-release", index, device("d1", "2.0.0"), update("rel-20", false));
    add("runtime-mismatch-embedded-stays", index, device("d1", "3.0.0"), none());
    add("runtime-mismatch-rolls-back-to-embedded", index, device("d1", "3.0.0").onRelease("rel-2"), rollBack(false));
    add("unknown-current-release-updates", index, device("d1", "1.0.0").onRelease("rel-gone"), update("rel-2", false));
    ChannelIndex empty = index(2, 0, List.of(), List.of());
    add("empty-index-embedded-stays", empty, device("d1", "1.0.0"), none());
    add("empty-index-rolls-back-to-embedded", empty, device("d1", "1.0.0").onRelease("rel-2"), rollBack(false));
  }

  private void bucketBoundary() {
    int b = Buckets.bucket("ro-rel-b", "device-boundary");
    if (b == 0 || b >= 9_999) {
      throw new IllegalStateException("pick another boundary device: bucket " + b);
    }
    for (int weight : new int[] {b, b + 1}) {
      ChannelIndex index =
          index(
              3,
              0,
              List.of(entry("rel-a", 1, "1.0.0", 10_000, false, null), entry("rel-b", 2, "1.0.0", weight, false, null)),
              List.of());
      boolean inside = weight > b;
      String suffix = inside ? "weight-just-above-bucket" : "weight-equal-to-bucket";
      add("boundary-" + suffix, index, device("device-boundary", "1.0.0"), update(inside ? "rel-b" : "rel-a", false));
      if (!inside) {
        add("boundary-lowered-weight-moves-down", index, device("device-boundary", "1.0.0").onRelease("rel-b"), update("rel-a", false));
      }
    }
    ChannelIndex half =
        index(
            4,
            0,
            List.of(entry("rel-base", 1, "1.0.0", 10_000, false, null), entry("rel-half", 2, "1.0.0", 5_000, false, null)),
            List.of());
    for (String id : List.of("device-a", "device-b")) {
      boolean in = Buckets.bucket("ro-rel-half", id) < 5_000;
      add("half-weight-" + id + (in ? "-inside" : "-outside"), half, device(id, "1.0.0"), update(in ? "rel-half" : "rel-base", false));
    }
  }

  private void revocation() {
    ChannelIndex index =
        index(
            5,
            0,
            List.of(entry("rel-1", 1, "1.0.0", 10_000, false, null), entry("rel-2", 2, "1.0.0", 10_000, false, null)),
            List.of("rel-2"));
    add("revoked-not-offered", index, device("d1", "1.0.0"), update("rel-1", false));
    add("downgrade-after-revocation-is-mandatory", index, device("d1", "1.0.0").onRelease("rel-2"), update("rel-1", true));
    add("revocation-leaves-older-alone", index, device("d1", "1.0.0").onRelease("rel-1"), none());
    ChannelIndex onlyRevoked = index(6, 0, List.of(entry("rel-1", 1, "1.0.0", 10_000, false, null)), List.of("rel-1"));
    add("revoked-only-release-rolls-back-mandatory", onlyRevoked, device("d1", "1.0.0").onRelease("rel-1"), rollBack(true));
    add("revoked-only-release-embedded-stays", onlyRevoked, device("d1", "1.0.0"), none());
  }

  private void versionFloor() {
    List<ChannelRelease> releases =
        List.of(entry("rel-1", 1, "1.0.0", 10_000, false, null), entry("rel-2", 2, "1.0.0", 10_000, false, null));
    ChannelIndex floor2 = index(7, 2, releases, List.of());
    add("floor-keeps-releases-at-floor", floor2, device("d1", "1.0.0"), update("rel-2", false));
    ChannelIndex floor5 = index(8, 5, releases, List.of());
    add("floor-above-all-embedded-stays", floor5, device("d1", "1.0.0"), none());
    add("floor-above-all-rolls-back", floor5, device("d1", "1.0.0").onRelease("rel-2"), rollBack(false));
    ChannelIndex floorHidesNewer =
        index(9, 2, List.of(entry("rel-1", 1, "1.0.0", 10_000, false, null), entry("rel-0", 0, "1.0.0", 10_000, false, null)), List.of());
    add("floor-excludes-below-floor", floorHidesNewer, device("d1", "1.0.0").onRelease("rel-0"), rollBack(false));
  }

  private void mandatoryEscalation() {
    ChannelIndex index =
        index(
            10,
            0,
            List.of(
                entry("rel-1", 1, "1.0.0", 10_000, true, null),
                entry("rel-2", 2, "1.0.0", 10_000, true, null),
                entry("rel-3", 3, "1.0.0", 10_000, false, null),
                entry("rel-4", 4, "1.0.0", 10_000, false, null)),
            List.of());
    add("mandatory-none-between", index, device("d1", "1.0.0").onRelease("rel-3"), update("rel-4", false));
    add("mandatory-escalates-from-between", index, device("d1", "1.0.0").onRelease("rel-1"), update("rel-4", true));
    add("mandatory-escalates-from-embedded", index, device("d1", "1.0.0"), update("rel-4", true));
    add("mandatory-current-does-not-count", index, device("d1", "1.0.0").onRelease("rel-2"), update("rel-4", false));
    add("mandatory-unknown-current-counts-all", index, device("d1", "1.0.0").onRelease("rel-x"), update("rel-4", true));
    ChannelIndex chosenMandatory =
        index(11, 0, List.of(entry("rel-1", 1, "1.0.0", 10_000, false, null), entry("rel-2", 2, "1.0.0", 10_000, true, null)), List.of());
    add("mandatory-chosen-release", chosenMandatory, device("d1", "1.0.0").onRelease("rel-1"), update("rel-2", true));
    ChannelIndex notOffered =
        index(
            12,
            0,
            List.of(
                entry("rel-1", 1, "1.0.0", 10_000, false, null),
                entry("rel-2", 2, "1.0.0", 0, true, null),
                entry("rel-3", 3, "1.0.0", 10_000, false, null)),
            List.of());
    add("mandatory-not-offered-does-not-escalate", notOffered, device("d1", "1.0.0").onRelease("rel-1"), update("rel-3", false));
  }

  private void targeting() {
    target("rn-range-inside", new Targeting(">=0.72.0 <0.74.0", null, null), d -> d.withTargetingInputs("0.73.2", null, Map.of()), true);
    target("rn-range-upper-bound-excluded", new Targeting(">=0.72.0 <0.74.0", null, null), d -> d.withTargetingInputs("0.74.0", null, Map.of()), false);
    target("rn-range-missing-rn-version", new Targeting(">=0.72.0 <0.74.0", null, null), d -> d, false);
    target("rn-range-prerelease-below", new Targeting(">=0.73.0", null, null), d -> d.withTargetingInputs("0.73.0-rc.1", null, Map.of()), false);
    target("rn-range-alternatives", new Targeting("~0.71.3 || ^0.74.1", null, null), d -> d.withTargetingInputs("0.71.9", null, Map.of()), true);
    target("rn-range-caret-zero-minor", new Targeting("^0.74.1", null, null), d -> d.withTargetingInputs("0.75.0", null, Map.of()), false);
    target("arch-listed", new Targeting(null, List.of("arm64-v8a", "x86_64"), null), d -> d.withTargetingInputs(null, "arm64-v8a", Map.of()), true);
    target("arch-not-listed", new Targeting(null, List.of("arm64-v8a", "x86_64"), null), d -> d.withTargetingInputs(null, "armeabi-v7a", Map.of()), false);
    target("arch-missing", new Targeting(null, List.of("arm64-v8a"), null), d -> d, false);
    Targeting country = attr(new AttributeRule("country", "in", List.of("DE", "FR"), null));
    target("attr-in-match", country, d -> d.withTargetingInputs(null, null, Map.of("country", "DE")), true);
    target("attr-in-no-match", country, d -> d.withTargetingInputs(null, null, Map.of("country", "US")), false);
    target("attr-in-missing", country, d -> d, false);
    Targeting notChina = attr(new AttributeRule("country", "notIn", List.of("CN"), null));
    target("attr-notIn-match", notChina, d -> d.withTargetingInputs(null, null, Map.of("country", "DE")), true);
    target("attr-notIn-excluded", notChina, d -> d.withTargetingInputs(null, null, Map.of("country", "CN")), false);
    target("attr-notIn-missing", notChina, d -> d, true);
    Targeting beta = attr(new AttributeRule("tier", "eq", null, "beta"));
    target("attr-eq-match", beta, d -> d.withTargetingInputs(null, null, Map.of("tier", "beta")), true);
    target("attr-eq-case-sensitive", beta, d -> d.withTargetingInputs(null, null, Map.of("tier", "Beta")), false);
    Targeting appVersion = attr(new AttributeRule("appVersion", "semver", null, ">=2.1.0"));
    target("attr-semver-match", appVersion, d -> d.withTargetingInputs(null, null, Map.of("appVersion", "2.3.0")), true);
    target("attr-semver-below", appVersion, d -> d.withTargetingInputs(null, null, Map.of("appVersion", "2.0.9")), false);
    target("attr-semver-not-a-version", appVersion, d -> d.withTargetingInputs(null, null, Map.of("appVersion", "two")), false);
    Targeting both =
        attr(new AttributeRule("country", "in", List.of("DE"), null), new AttributeRule("tier", "eq", null, "beta"));
    target("attr-all-rules-must-hold", both, d -> d.withTargetingInputs(null, null, Map.of("country", "DE", "tier", "alpha")), false);
    target("attr-all-rules-hold", both, d -> d.withTargetingInputs(null, null, Map.of("country", "DE", "tier", "beta")), true);
  }

  /** A base release for everyone plus a newer targeted one; {@code matches} says which wins. */
  private void target(String name, Targeting targeting, java.util.function.UnaryOperator<Device> inputs, boolean matches) {
    ChannelIndex index =
        index(
            20,
            0,
            List.of(entry("rel-base", 1, "1.0.0", 10_000, false, null), entry("rel-targeted", 2, "1.0.0", 10_000, false, targeting)),
            List.of());
    add("targeting-" + name, index, inputs.apply(device("d1", "1.0.0")), update(matches ? "rel-targeted" : "rel-base", false));
  }

  private static Targeting attr(AttributeRule... rules) {
    return new Targeting(null, null, List.of(rules));
  }

  private void add(String name, ChannelIndex index, Device device, Decision expected) {
    cases.add(new Case(name, index, device, expected));
  }

  private static Device device(String id, String runtimeVersion) {
    return Device.of(id, runtimeVersion);
  }

  private static Decision update(String releaseId, boolean mandatory) {
    return Decision.update(releaseId, mandatory);
  }

  private static Decision none() {
    return Decision.none();
  }

  private static Decision rollBack(boolean mandatory) {
    return new Decision(Decision.Kind.ROLL_BACK_TO_EMBEDDED, Optional.empty(), mandatory);
  }
}
