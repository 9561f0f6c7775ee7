package com.kivyx.ota.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SimpleQuery and QueryParams against the decoding Vert.x's params() does (Netty's decoder, then a case-insensitive MultiMap). */
class SimpleQueryTest {
  @Test
  void givesWhatVertxGivesForDevicePolls() {
    for (String query : List.of(
        "deviceId=d-1&runtimeVersion=1.0.0",
        "deviceId=d-1&runtimeVersion=1.0.0&currentReleaseId=1.0.1-1&attr.country=DE&rnVersion=0.74.1&arch=arm64-v8a",
        "deviceId=a&DEVICEID=b&runtimeVersion=1",
        "deviceId=a&x=1&deviceId=b",
        "deviceId=a&DEVICEID=b&deviceId=c&attr.x=1&ATTR.X=2",
        "deviceId=&runtimeVersion=1.0.0",
        "attr.tier=gold~1&deviceId=ios:0001")) {
      QueryParams simple = SimpleQuery.parse(query);
      assertThat(simple).as(query).isNotNull();
      MultiMap vertx = vertx(query);
      assertAgrees(query, simple, vertx);
      assertAgrees(query + " (from Vert.x's map)", QueryParams.of(vertx), vertx);
    }
  }

  /** The same first values, counts and first spellings (Vert.x's names()) as Vert.x's map. */
  private static void assertAgrees(String query, QueryParams params, MultiMap vertx) {
    List<String> firsts = new ArrayList<>();
    for (int i = 0; i < params.size(); i++) {
      if (params.isFirst(i)) {
        firsts.add(params.name(i));
      }
    }
    assertThat(firsts).as(query).containsExactlyInAnyOrderElementsOf(vertx.names());
    for (String name : vertx.names()) {
      for (String spelling : List.of(name, name.toUpperCase(Locale.ROOT), name.toLowerCase(Locale.ROOT))) {
        assertThat(params.count(spelling)).as(query + " " + spelling).isEqualTo(vertx.getAll(spelling).size());
        assertThat(params.get(spelling)).as(query + " " + spelling).isEqualTo(vertx.get(spelling));
      }
    }
    assertThat(params.get("absent")).isNull();
    assertThat(params.count("absent")).isZero();
  }

  @Test
  void leavesEverythingElseToVertx() {
    for (String query : List.of(
        "", "deviceId=d%201", "deviceId=d+1", "deviceId=d;x=1", "deviceId", "=x&deviceId=1", "deviceId=1&&runtimeVersion=1",
        "deviceId=1&", "deviceId=1=2", "deviceId=é", "deviceId=a/b", "a=1&b=2&".repeat(1))) {
      assertThat(SimpleQuery.parse(query)).as(query).isNull();
    }
    assertThat(SimpleQuery.parse(null)).isNull();
    assertThat(SimpleQuery.parse("a=1&".repeat(1024) + "a=1")).as("over Vert.x's 1024 parameters").isNull();
    assertThat(SimpleQuery.parse("a=1&".repeat(1023) + "a=1").size()).as("Vert.x's 1024 parameters").isEqualTo(1024);
  }

  private static MultiMap vertx(String query) {
    Map<String, List<String>> decoded = new QueryStringDecoder("/p?" + query, StandardCharsets.UTF_8, true, 1024, false).parameters();
    MultiMap params = MultiMap.caseInsensitiveMultiMap();
    decoded.forEach(params::add);
    return params;
  }
}
