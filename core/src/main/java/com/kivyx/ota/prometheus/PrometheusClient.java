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
 * Instant and range queries against a Prometheus-compatible HTTP API ({@code GET /api/v1/query},
 * {@code /api/v1/query_range}): Prometheus itself, Thanos, Mimir or VictoriaMetrics.
 */
public final class PrometheusClient {
  /** One element of an instant vector. */
  public record Sample(Map<String, String> labels, double value, Instant at) {}

  /** One series of a range vector: its labels and its points, oldest first. */
  public record Series(Map<String, String> labels, List<Point> points) {}

  /** A value at a time; NaN when Prometheus answered "NaN" (0/0 and the like). */
  public record Point(Instant at, double value) {}

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
    JsonNode data = get("api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&time=" + seconds(at));
    return parseVector(promql, data);
  }

  /**
   * Evaluates {@code promql} at every {@code step} from {@code start} to {@code end}; each series
   * has a point only where it had a value (gaps stay gaps).
   */
  public List<Series> queryRange(String promql, Instant start, Instant end, Duration step) throws PrometheusException {
    if (!end.isAfter(start) || step.isZero() || step.isNegative()) {
      throw new IllegalArgumentException("a range needs start < end and a positive step, got " + start + ".." + end + " by " + step);
    }
    JsonNode data = get("api/v1/query_range?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&start=" + seconds(start)
        + "&end=" + seconds(end) + "&step=" + String.format(Locale.ROOT, "%.3f", step.toMillis() / 1000.0));
    return parseMatrix(promql, data);
  }

  private static String seconds(Instant at) {
    return String.format(Locale.ROOT, "%.3f", at.toEpochMilli() / 1000.0);
  }

  private JsonNode get(String pathAndQuery) throws PrometheusException {
    URI uri = base.resolve(pathAndQuery);
    HttpResponse<byte[]> response;
    try {
      response = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new PrometheusException("cannot reach Prometheus at " + base + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PrometheusException("interrupted while querying Prometheus", e);
    }
    return data(response.statusCode(), response.body());
  }

  /** The {@code data} of a successful answer; anything else is a {@link PrometheusException} that says what came back. */
  JsonNode data(int status, byte[] body) throws PrometheusException {
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (IOException e) {
      throw new PrometheusException("Prometheus at " + base + " answered " + status + " with a body that is not JSON");
    }
    if (root == null || !"success".equals(root.path("status").asText())) {
      throw new PrometheusException("Prometheus at " + base + " answered " + status + ": "
          + (root == null ? "" : root.path("errorType").asText() + " " + root.path("error").asText()).trim());
    }
    return root.path("data");
  }

  static List<Sample> parseVector(String promql, JsonNode data) throws PrometheusException {
    if (!"vector".equals(data.path("resultType").asText())) {
      throw new PrometheusException("expected an instant vector from " + promql + ", got " + data.path("resultType").asText());
    }
    List<Sample> out = new ArrayList<>();
    for (JsonNode item : data.path("result")) {
      Point p = point(promql, item.path("value"));
      out.add(new Sample(labels(item), p.value(), p.at()));
    }
    return out;
  }

  static List<Series> parseMatrix(String promql, JsonNode data) throws PrometheusException {
    if (!"matrix".equals(data.path("resultType").asText())) {
      throw new PrometheusException("expected a range vector from " + promql + ", got " + data.path("resultType").asText());
    }
    List<Series> out = new ArrayList<>();
    for (JsonNode item : data.path("result")) {
      List<Point> points = new ArrayList<>();
      for (JsonNode value : item.path("values")) {
        points.add(point(promql, value));
      }
      out.add(new Series(labels(item), List.copyOf(points)));
    }
    return out;
  }

  private static Map<String, String> labels(JsonNode item) {
    Map<String, String> labels = new HashMap<>();
    item.path("metric").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    return Map.copyOf(labels);
  }

  /** {@code [1700000000.123, "42"]}: Prometheus sends values as strings (NaN, +Inf included). */
  private static Point point(String promql, JsonNode value) throws PrometheusException {
    if (!value.isArray() || value.size() != 2 || !value.path(0).isNumber()) {
      throw new PrometheusException("a sample of " + promql + " is not [time, value]: " + value);
    }
    try {
      return new Point(Instant.ofEpochMilli(Math.round(value.path(0).asDouble() * 1000)), Double.parseDouble(value.path(1).asText()));
    } catch (NumberFormatException e) {
      throw new PrometheusException("a sample of " + promql + " has no numeric value: " + value);
    }
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
