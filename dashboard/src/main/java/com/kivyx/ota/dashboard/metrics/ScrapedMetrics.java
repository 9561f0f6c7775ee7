package com.kivyx.ota.dashboard.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Without Prometheus: every manifest server replica's own {@code /metrics}, read on each page
 * view and summed. Totals only: a counter read once has no history. A replica that does not
 * answer is named, and the totals say they are partial.
 */
public final class ScrapedMetrics implements MetricsSource {
  private final List<URI> servers;
  private final HttpClient http;
  private final Duration timeout;

  /** @param servers each replica's metrics URL ({@code http://pod:8080/metrics}) */
  public ScrapedMetrics(List<URI> servers, Duration timeout) {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("ScrapedMetrics needs at least one server's /metrics URL");
    }
    this.servers = List.copyOf(servers);
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public ReleaseMetrics release(Request r) {
    List<MetricsText.Sample> all = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (URI server : servers) {
      try {
        all.addAll(MetricsText.parse(fetch(server)));
      } catch (IOException | IllegalArgumentException e) {
        failed.add(server + " (" + e.getMessage() + ")");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failed.add(server + " (interrupted)");
      }
    }
    String source = servers.size() + " server(s)' /metrics";
    String note = "Totals only, read from each server's /metrics now and summed: there are no charts over time without --prometheus-url.";
    if (failed.size() == servers.size()) {
      return new ReleaseMetrics(source, Optional.empty(), List.of(), Optional.of("No server answered: " + String.join("; ", failed)), Optional.of(note));
    }
    Optional<String> problem = failed.isEmpty() ? Optional.empty()
        : Optional.of("Partial totals: " + failed.size() + " of " + servers.size() + " servers did not answer: " + String.join("; ", failed));
    return new ReleaseMetrics(source, Optional.of(Funnel.of(EventTotals.fromScrapes(all, r.channel(), r.releaseId()))), List.of(), problem, Optional.of(note));
  }

  private String fetch(URI server) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(server).timeout(timeout).GET().build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (response.statusCode() != 200) {
      throw new IOException("answered " + response.statusCode());
    }
    return response.body();
  }
}
