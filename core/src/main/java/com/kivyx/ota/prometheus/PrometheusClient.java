package com.kivyx.ota.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Instant queries against a Prometheus-compatible HTTP API ({@code GET /api/v1/query}): Prometheus
 * itself, Thanos, Mimir or VictoriaMetrics.
 */
public final class PrometheusClient {
  /** One element of an instant vector. */
  public record Sample(Map<String, String> labels, double value, Instant at) {}

  private final URI base;
  private final HttpClient http;
  private final Duration timeout;
  private final ObjectMapper json = new ObjectMapper();
  private volatile Boolean anchored;

  public PrometheusClient(URI base, Duration timeout) {
    String text = base.toString();
    this.base = URI.create(text.endsWith("/") ? text : text + "/");
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.timeout = timeout;
  }

  public URI base() {
    return base;
  }

  /** Evaluates {@code promql} at {@code at}; an empty list is an empty vector (no series). */
  public List<Sample> query(String promql, Instant at) throws PrometheusException {
    String seconds = String.format(Locale.ROOT, "%.3f", at.toEpochMilli() / 1000.0);
    URI uri = base.resolve("api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&time=" + seconds);
    HttpResponse<byte[]> response;
    try {
      response = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new PrometheusException("cannot reach Prometheus at " + base + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PrometheusException("interrupted while querying Prometheus", e);
    }
    JsonNode root;
    try {
      root = json.readTree(response.body());
    } catch (IOException e) {
      throw new PrometheusException("Prometheus at " + base + " answered " + response.statusCode() + " with a body that is not JSON");
    }
    if (root == null || !"success".equals(root.path("status").asText())) {
      throw new PrometheusException("Prometheus at " + base + " answered " + response.statusCode() + ": "
          + (root == null ? "" : root.path("errorType").asText() + " " + root.path("error").asText()).trim());
    }
    JsonNode data = root.path("data");
    if (!"vector".equals(data.path("resultType").asText())) {
      throw new PrometheusException("expected an instant vector from " + promql + ", got " + data.path("resultType").asText());
    }
    List<Sample> out = new ArrayList<>();
    for (JsonNode item : data.path("result")) {
      Map<String, String> labels = new HashMap<>();
      item.path("metric").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      JsonNode value = item.path("value");
      double v;
      try {
        v = Double.parseDouble(value.path(1).asText());
      } catch (NumberFormatException e) {
        throw new PrometheusException("a sample of " + promql + " has no numeric value: " + value);
      }
      out.add(new Sample(Map.copyOf(labels), v, Instant.ofEpochMilli(Math.round(value.path(0).asDouble() * 1000))));
    }
    return out;
  }

  /**
   * Whether the server knows {@code anchored} range selectors (Prometheus 3.16+), which make
   * {@code increase()} exact instead of extrapolated. Probed once; older servers refuse to parse it.
   */
  public boolean supportsAnchored() throws PrometheusException {
    Boolean known = anchored;
    if (known == null) {
      try {
        query("increase(prometheus_build_info[1m] anchored)", Instant.now());
        known = true;
      } catch (PrometheusException e) {
        if (e.getMessage().contains("cannot reach")) {
          throw e;
        }
        known = false;
      }
      anchored = known;
    }
    return known;
  }
}
