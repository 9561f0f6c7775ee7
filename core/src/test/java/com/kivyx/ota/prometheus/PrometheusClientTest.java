package com.kivyx.ota.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The answer parsing of {@link PrometheusClient}; the HTTP side is exercised against a real Prometheus in the ITs. */
class PrometheusClientTest {
  private final PrometheusClient client = new PrometheusClient(URI.create("http://127.0.0.1:9/"), Duration.ofSeconds(1));

  private JsonNode data(String body) throws PrometheusException {
    return client.data(200, body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void rangeAnswerKeepsEverySeriesPointsInOrderWithNaNAndGaps() throws Exception {
    JsonNode data = data("""
        {"status":"success","data":{"resultType":"matrix","result":[
          {"metric":{"release":"r1"},"values":[[1700000000,"3"],[1700000060.5,"5"]]},
          {"metric":{"release":"r2"},"values":[[1700000060.5,"NaN"]]}]}}""");
    List<PrometheusClient.Series> series = PrometheusClient.parseMatrix("q", data);
    assertThat(series).hasSize(2);
    assertThat(series.get(0).labels()).isEqualTo(Map.of("release", "r1"));
    assertThat(series.get(0).points()).containsExactly(
        new PrometheusClient.Point(Instant.ofEpochSecond(1_700_000_000), 3),
        new PrometheusClient.Point(Instant.ofEpochMilli(1_700_000_060_500L), 5));
    assertThat(series.get(1).points()).singleElement().satisfies(p -> assertThat(p.value()).isNaN());
  }

  @Test
  void anInstantVectorIsNotARange() throws Exception {
    JsonNode data = data("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}");
    assertThatThrownBy(() -> PrometheusClient.parseMatrix("up", data)).isInstanceOf(PrometheusException.class)
        .hasMessage("expected a range vector from up, got vector");
    assertThat(PrometheusClient.parseVector("up", data)).isEmpty();
  }

  @Test
  void malformedPointsAreRefusedWithTheQuery() throws Exception {
    JsonNode text = data("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":[[1,\"lots\"]]}]}}");
    assertThatThrownBy(() -> PrometheusClient.parseMatrix("q", text)).hasMessageContaining("a sample of q has no numeric value");
    JsonNode shape = data("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":[\"1\"]}]}}");
    assertThatThrownBy(() -> PrometheusClient.parseMatrix("q", shape)).hasMessageContaining("is not [time, value]");
  }

  @Test
  void errorsAndNonJsonSayWhatCameBack() {
    assertThatThrownBy(() -> client.data(400, "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}".getBytes(StandardCharsets.UTF_8)))
        .hasMessage("Prometheus at http://127.0.0.1:9/ answered 400: bad_data parse error");
    assertThatThrownBy(() -> client.data(502, "<html>".getBytes(StandardCharsets.UTF_8)))
        .hasMessage("Prometheus at http://127.0.0.1:9/ answered 502 with a body that is not JSON");
  }

  @Test
  void aRangeNeedsAnOrderedWindowAndAPositiveStep() {
    Instant t = Instant.ofEpochSecond(1_700_000_000);
    assertThatThrownBy(() -> client.queryRange("up", t, t, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> client.queryRange("up", t, t.plusSeconds(60), Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anUnreachableServerIsAPrometheusExceptionNamingIt() {
    Instant t = Instant.ofEpochSecond(1_700_000_000);
    assertThatThrownBy(() -> client.queryRange("up", t, t.plusSeconds(60), Duration.ofSeconds(15)))
        .isInstanceOf(PrometheusException.class).hasMessageStartingWith("cannot reach Prometheus at http://127.0.0.1:9/");
  }
}
