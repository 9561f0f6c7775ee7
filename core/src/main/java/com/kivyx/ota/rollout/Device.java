package com.kivyx.ota.rollout;

import java.util.Map;
import java.util.Optional;

/**
 * What a device tells about itself when it asks for an update. {@code currentReleaseId} is
 * empty when it runs the bundle embedded in the app binary.
 */
public record Device(
    String deviceId,
    String runtimeVersion,
    Optional<String> currentReleaseId,
    Optional<String> rnVersion,
    Optional<String> arch,
    Map<String, String> attributes) {
  public Device {
    if (deviceId == null || deviceId.isEmpty()) {
      throw new IllegalArgumentException("deviceId is required");
    }
    if (runtimeVersion == null || runtimeVersion.isEmpty()) {
      throw new IllegalArgumentException("runtimeVersion is required");
    }
    currentReleaseId = currentReleaseId.filter(id -> !id.isEmpty());
    attributes = Map.copyOf(attributes);
  }

  public static Device of(String deviceId, String runtimeVersion) {
    return new Device(deviceId, runtimeVersion, Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
  }

  public Device onRelease(String releaseId) {
    return new Device(deviceId, runtimeVersion, Optional.ofNullable(releaseId), rnVersion, arch, attributes);
  }

  public Device withTargetingInputs(String rnVersion, String arch, Map<String, String> attributes) {
    return new Device(
        deviceId, runtimeVersion, currentReleaseId, Optional.ofNullable(rnVersion), Optional.ofNullable(arch), attributes);
  }
}
