package com.kivyx.ota.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SimpleQuery against the decoding Vert.x's params() does (Netty's decoder, then a case-insensitive MultiMap). */
class SimpleQueryTest {
  @Test
  void givesWhatVertxGivesForDevicePolls() {
    for (String query : List.of(
        "deviceId=d-1&runtimeVersion=1.0.0",
        "deviceId=d-1&runtimeVersion=1.0.0&currentReleaseId=1.0.1-1&attr.country=DE&rnVersion=0.74.1&arch=arm64-v8a",
        "deviceId=a&DEVICEID=b&runtimeVersion=1",
        "deviceId=a&x=1&deviceId=b",
        "deviceId=&runtimeVersion=1.0.0",
        "attr.tier=gold~1&deviceId=ios:0001")) {
      MultiMap simple = SimpleQuery.parse(query);
      assertThat(simple).as(query).isNotNull();
      MultiMap vertx = vertx(query);
      assertThat(simple.names()).as(query).containsExactlyInAnyOrderElementsOf(vertx.names());
      for (String name : vertx.names()) {
        assertThat(simple.getAll(name)).as(query + " " + name).isEqualTo(vertx.getAll(name));
        assertThat(simple.get(name)).isEqualTo(vertx.get(name));
      }
    }
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
  }

  private static MultiMap vertx(String query) {
    Map<String, List<String>> decoded = new QueryStringDecoder("/p?" + query, StandardCharsets.UTF_8, true, 1024, false).parameters();
    MultiMap params = MultiMap.caseInsensitiveMultiMap();
    decoded.forEach(params::add);
    return params;
  }
}
