package com.kivyx.ota.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.rollout.Device;
import io.vertx.core.MultiMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * DeviceQuery's one pass over a query against the reading it replaced: Vert.x's case-insensitive
 * map, walked by names(), getAll() and get() (kept below as the reference), on generated queries.
 * The same device or the same error; of a query with several mistakes, the reference named the
 * first in names()' sorted order and the pass names the first in the query, so for errors only
 * the code is held equal, and the message where the query has one mistake.
 */
class DeviceQueryTest {
  private static final List<String> NAMES = List.of(
      "deviceId", "DEVICEID", "deviceid", "runtimeVersion", "RuntimeVersion", "currentReleaseId", "currentreleaseid", "rnVersion", "arch", "ARCH",
      "attr.tier", "ATTR.tier", "attr.TIER", "attr.", "attr.bad name", "x", "deviceIds", "arc");
  private static final List<String> VALUES = List.of("", "d-1", "1.0.0", "r1", "-r1", "a\u0001b", "é", "a".repeat(65), "a".repeat(129), "a".repeat(257));

  @Test
  void readsEveryQueryAsVertxMapDid() {
    Random random = new Random(5);
    int checked = 0;
    for (int n = 0; n < 50_000; n++) {
      MultiMap params = MultiMap.caseInsensitiveMultiMap();
      int size = random.nextInt(7);
      for (int i = 0; i < size; i++) {
        params.add(NAMES.get(random.nextInt(NAMES.size())), VALUES.get(random.nextInt(VALUES.size())));
      }
      if (random.nextBoolean()) {
        params.add("deviceId", "d-" + n).add("runtimeVersion", "1.0.0"); // most queries should get past the required ones
      }
      for (int a = random.nextInt(4) == 0 ? 34 : 0; a > 0; a--) {
        params.add("attr.a" + a, "v");
      }
      Object parsed = outcome(() -> DeviceQuery.parse(QueryParams.of(params)));
      Object expected = outcome(() -> reference(params));
      if (expected instanceof Device || parsed instanceof Device) {
        assertThat(parsed).as(params.toString()).isEqualTo(expected);
      } else {
        assertThat(code(parsed)).as(params.toString()).isEqualTo(code(expected));
        checked++;
      }
    }
    assertThat(checked).as("queries that are errors").isGreaterThan(10_000);
  }

  @Test
  void namesTheMistakeOfAQueryWithOne() throws Exception {
    for (String query : List.of(
        "deviceId=d&runtimeVersion=1&deviceId=e", "deviceId=d&runtimeVersion=1&attr.x=1&attr.x=2", "deviceId=d&runtimeVersion=1&attr.bad!=1",
        "runtimeVersion=1", "deviceId=d", "deviceId=d&runtimeVersion=1&currentReleaseId=-x", "deviceId=d&runtimeVersion=1&arch=" + "a".repeat(65),
        "DEVICEID=d&deviceId=e&runtimeVersion=1", "deviceId=d&runtimeVersion=1&attr.x=1&ATTR.X=2")) {
      MultiMap params = MultiMap.caseInsensitiveMultiMap();
      for (String pair : query.split("&")) {
        params.add(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
      }
      assertThat(outcome(() -> DeviceQuery.parse(QueryParams.of(params)))).as(query).isEqualTo(outcome(() -> reference(params)));
    }
  }

  private interface Parse {
    Device run() throws BadRequestException;
  }

  private static String code(Object outcome) {
    return outcome.toString().substring(0, outcome.toString().indexOf(':'));
  }

  private static Object outcome(Parse parse) {
    try {
      return parse.run();
    } catch (BadRequestException e) {
      return e.error() + ": " + e.getMessage();
    }
  }

  /** DeviceQuery.parse as it was over Vert.x's MultiMap. */
  private static Device reference(MultiMap params) throws BadRequestException {
    Set<String> single = Set.of("deviceId", "runtimeVersion", "currentReleaseId", "rnVersion", "arch");
    Map<String, String> attributes = new HashMap<>();
    for (String name : params.names()) {
      List<String> values = params.getAll(name);
      if (values.size() > 1 && (single.contains(name) || name.startsWith("attr."))) {
        throw new BadRequestException("bad_parameter", "parameter '" + name + "' is given " + values.size() + " times; give it once");
      }
      if (name.startsWith("attr.")) {
        String attribute = name.substring("attr.".length());
        if (!attribute.matches("[A-Za-z0-9._-]{1,64}")) {
          throw new BadRequestException("bad_parameter", "attribute names (attr.NAME) are 1-64 letters, digits, '.', '_' or '-'");
        }
        attributes.put(attribute, DeviceQuery.text(name, values.get(0), 256, true));
        if (attributes.size() > DeviceQuery.MAX_ATTRIBUTES) {
          throw new BadRequestException("bad_parameter", "at most " + DeviceQuery.MAX_ATTRIBUTES + " attr.* parameters");
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

  private static String required(MultiMap params, String name, int maxLength) throws BadRequestException {
    String value = params.get(name);
    if (value == null || value.isEmpty()) {
      throw new BadRequestException("missing_parameter", "query parameter '" + name + "' is required");
    }
    return DeviceQuery.text(name, value, maxLength, false);
  }

  private static Optional<String> optional(MultiMap params, String name, int maxLength) throws BadRequestException {
    String value = params.get(name);
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(DeviceQuery.text(name, value, maxLength, false));
  }
}
