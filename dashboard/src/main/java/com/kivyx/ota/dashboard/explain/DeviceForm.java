package com.kivyx.ota.dashboard.explain;

import com.kivyx.ota.rollout.Device;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The explainer's form as typed: kept as text to fill the form again, turned into a {@link Device}
 * with the same limits the device server puts on {@code /update} (so the page never explains a
 * request the server would refuse).
 */
public record DeviceForm(String deviceId, String runtimeVersion, String currentReleaseId, String rnVersion, String arch, String attributes) {
  private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern RELEASE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final int MAX_ATTRIBUTES = 32;

  public static DeviceForm empty() {
    return new DeviceForm("", "", "", "", "", "");
  }

  public static DeviceForm of(Map<String, List<String>> params) {
    return new DeviceForm(first(params, "deviceId"), first(params, "runtimeVersion"), first(params, "currentReleaseId"),
        first(params, "rnVersion"), first(params, "arch"), first(params, "attributes"));
  }

  public boolean submitted() {
    return !deviceId.isBlank() || !runtimeVersion.isBlank();
  }

  /** @throws IllegalArgumentException naming the field to fix */
  public Device toDevice() {
    String id = required("deviceId", deviceId, 128);
    String runtime = required("runtimeVersion", runtimeVersion, 64);
    Optional<String> current = optional("currentReleaseId", currentReleaseId, 128);
    if (current.isPresent() && !RELEASE_ID.matcher(current.get()).matches()) {
      throw new IllegalArgumentException("currentReleaseId must be a release id (letters, digits, '.', '_', '-'), or empty for the embedded bundle");
    }
    Map<String, String> attrs = new LinkedHashMap<>();
    for (String line : attributes.split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      int eq = line.indexOf('=');
      String name = eq < 0 ? line.trim() : line.substring(0, eq).trim();
      if (eq < 0 || !ATTRIBUTE_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("attributes are one NAME=VALUE per line, NAME of 1-64 letters, digits, '.', '_' or '-'; got '" + line.trim() + "'");
      }
      attrs.put(name, text("attribute " + name, line.substring(eq + 1).trim(), 256));
    }
    if (attrs.size() > MAX_ATTRIBUTES) {
      throw new IllegalArgumentException("at most " + MAX_ATTRIBUTES + " attributes");
    }
    return new Device(id, runtime, current, optional("rnVersion", rnVersion, 64), optional("arch", arch, 64), attrs);
  }

  private static String required(String name, String value, int max) {
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " is required");
    }
    return text(name, value.trim(), max);
  }

  private static Optional<String> optional(String name, String value, int max) {
    return value.isBlank() ? Optional.empty() : Optional.of(text(name, value.trim(), max));
  }

  private static String text(String name, String value, int max) {
    if (value.length() > max) {
      throw new IllegalArgumentException(name + " must be at most " + max + " characters");
    }
    if (value.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(name + " must not contain control characters");
    }
    return value;
  }

  private static String first(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    return values == null || values.isEmpty() || values.get(0) == null ? "" : values.get(0);
  }
}
