package com.kivyx.ota.server;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.rollout.Device;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The query of {@code /update}, checked and turned into the decision function's {@link Device}. */
final class DeviceQuery {
  static final int MAX_ATTRIBUTES = 32;
  private static final String ATTR = "attr.";
  /** The parameters a device gives at most once. */
  private static final String[] SINGLE = {"deviceId", "runtimeVersion", "currentReleaseId", "rnVersion", "arch"};
  private static final int DEVICE_ID = 0;
  private static final int RUNTIME_VERSION = 1;
  private static final int CURRENT_RELEASE_ID = 2;
  private static final int RN_VERSION = 3;
  private static final int ARCH = 4;
  private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private DeviceQuery() {}

  /** One pass over the query: every poll comes through here. */
  static Device parse(QueryParams params) throws BadRequestException {
    String[] values = new String[SINGLE.length]; // the first value of each, in any case, as Vert.x's get() reads it
    Map<String, String> attributes = Map.of();
    for (int i = 0; i < params.size(); i++) {
      String name = params.name(i);
      int single = single(name);
      if (single >= 0 && values[single] == null) {
        values[single] = params.value(i);
      }
      boolean attribute = name.startsWith(ATTR);
      // a name is judged by its first spelling, as Vert.x's names() gives it
      if (!(attribute || (single >= 0 && name.equals(SINGLE[single]))) || !params.isFirst(i)) {
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
        attributes.put(attributeName, text(name, params.value(i), 256, true));
        if (attributes.size() > MAX_ATTRIBUTES) {
          throw new BadRequestException("bad_parameter", "at most " + MAX_ATTRIBUTES + " attr.* parameters");
        }
      }
    }
    String deviceId = required(DEVICE_ID, values, 128);
    String runtimeVersion = required(RUNTIME_VERSION, values, 64);
    Optional<String> current = optional(CURRENT_RELEASE_ID, values, 128);
    if (current.isPresent() && !ChannelId.isName(current.get())) {
      throw new BadRequestException("bad_parameter", "currentReleaseId must be a release id (letters, digits, '.', '_', '-'), or left out on the embedded bundle");
    }
    return new Device(deviceId, runtimeVersion, current, optional(RN_VERSION, values, 64), optional(ARCH, values, 64), attributes);
  }

  /** Which of {@link #SINGLE} the name is in any case, or -1: by length first, so a name costs one comparison at most. */
  private static int single(String name) {
    int candidate = switch (name.length()) {
      case 8 -> DEVICE_ID;
      case 14 -> RUNTIME_VERSION;
      case 16 -> CURRENT_RELEASE_ID;
      case 9 -> RN_VERSION;
      case 4 -> ARCH;
      default -> -1;
    };
    return candidate >= 0 && SINGLE[candidate].equalsIgnoreCase(name) ? candidate : -1;
  }

  private static String required(int single, String[] values, int maxLength) throws BadRequestException {
    String value = values[single];
    if (value == null || value.isEmpty()) {
      throw new BadRequestException("missing_parameter", "query parameter '" + SINGLE[single] + "' is required");
    }
    return text(SINGLE[single], value, maxLength, false);
  }

  private static Optional<String> optional(int single, String[] values, int maxLength) throws BadRequestException {
    String value = values[single];
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(text(SINGLE[single], value, maxLength, false));
  }

  /** One value's length and characters; package-private for the reference reading in DeviceQueryTest. */
  static String text(String name, String value, int maxLength, boolean emptyAllowed) throws BadRequestException {
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
