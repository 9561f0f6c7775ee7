package com.kivyx.ota.server;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.rollout.Device;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The query of {@code /update}, checked and turned into the decision function's {@link Device}. */
final class DeviceQuery {
  static final int MAX_ATTRIBUTES = 32;
  private static final String ATTR = "attr.";
  private static final Set<String> SINGLE = Set.of("deviceId", "runtimeVersion", "currentReleaseId", "rnVersion", "arch");
  private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private DeviceQuery() {}

  static Device parse(QueryParams params) throws BadRequestException {
    Map<String, String> attributes = Map.of();
    for (int i = 0; i < params.size(); i++) {
      String name = params.name(i);
      boolean attribute = name.startsWith(ATTR);
      // a name is judged by its first spelling, as Vert.x's names() gives it
      if (!(attribute || SINGLE.contains(name)) || !params.isFirst(i)) {
        continue;
      }
      int count = params.count(name);
      if (count > 1) {
        throw new BadRequestException("bad_parameter", "parameter '" + name + "' is given " + count + " times; give it once");
      }
      if (attribute) {
        String attributeName = name.substring(ATTR.length());
        if (!ATTRIBUTE_NAME.matcher(attributeName).matches()) {
          throw new BadRequestException("bad_parameter", "attribute names (attr.NAME) are 1-64 letters, digits, '.', '_' or '-'");
        }
        if (attributes.isEmpty()) {
          attributes = new HashMap<>();
        }
        attributes.put(attributeName, text(name, params.get(name), 256, true));
        if (attributes.size() > MAX_ATTRIBUTES) {
          throw new BadRequestException("bad_parameter", "at most " + MAX_ATTRIBUTES + " attr.* parameters");
        }
      }
    }
    String deviceId = required(params, "deviceId", 128);
    String runtimeVersion = required(params, "runtimeVersion", 64);
    Optional<String> current = optional(params, "currentReleaseId", 128);
    if (current.isPresent() && !ChannelId.NAME.matcher(current.get()).matches()) {
      throw new BadRequestException("bad_parameter", "currentReleaseId must be a release id (letters, digits, '.', '_', '-'), or left out on the embedded bundle");
    }
    return new Device(deviceId, runtimeVersion, current, optional(params, "rnVersion", 64), optional(params, "arch", 64), attributes);
  }

  private static String required(QueryParams params, String name, int maxLength) throws BadRequestException {
    String value = params.get(name);
    if (value == null || value.isEmpty()) {
      throw new BadRequestException("missing_parameter", "query parameter '" + name + "' is required");
    }
    return text(name, value, maxLength, false);
  }

  private static Optional<String> optional(QueryParams params, String name, int maxLength) throws BadRequestException {
    String value = params.get(name);
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(text(name, value, maxLength, false));
  }

  private static String text(String name, String value, int maxLength, boolean emptyAllowed) throws BadRequestException {
    if ((!emptyAllowed && value.isEmpty()) || value.length() > maxLength) {
      throw new BadRequestException("bad_parameter", "'" + name + "' must be 1-" + maxLength + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw new BadRequestException("bad_parameter", "'" + name + "' must not contain control characters");
      }
    }
    return value;
  }
}
