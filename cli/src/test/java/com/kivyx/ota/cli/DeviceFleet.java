package com.kivyx.ota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.rollout.Buckets;
import com.kivyx.ota.telemetry.TrialReason;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded simulated devices that try a release and report it the way the TypeScript client
 * does: {@code applied}, then {@code healthy}, or {@code crashed} and {@code rolledBack} with
 * a reason, in batches of at most 50 events POSTed round-robin to the manifest server replicas.
 * A device takes a release only when its bucket is inside the rollout's weight (the real
 * {@link Buckets} function), and whether it fails is a function of the seed and its id alone.
 */
final class DeviceFleet {
  /** What the fleet reported, to compare with what the guardrail saw. */
  record Reported(long healthy, long rolledBack) {
    long trials() {
      return healthy + rolledBack;
    }
  }

  private final List<URI> servers;
  private final String appId;
  private final String channel;
  private final long seed;
  private final HttpClient http = HttpClient.newHttpClient();
  private int next;

  DeviceFleet(List<URI> servers, String appId, String channel, long seed) {
    this.servers = servers;
    this.appId = appId;
    this.channel = channel;
    this.seed = seed;
  }

  /**
   * Devices {@code from} to {@code to - 1} whose bucket for {@code rolloutUid} is below {@code
   * weightPercent} try {@code releaseId}; each fails with {@code failureRate}.
   */
  Reported trial(String releaseId, String rolloutUid, int weightPercent, int from, int to, double failureRate, TrialReason reason) throws Exception {
    List<String> events = new ArrayList<>();
    long healthy = 0;
    long rolledBack = 0;
    String now = Instant.now().toString();
    for (int i = from; i < to; i++) {
      String device = String.format("d-%06d", i);
      if (Buckets.bucket(rolloutUid, device) >= weightPercent * 100) {
        continue;
      }
      boolean fails = new SplittableRandom(seed * 1_000_003L + i).nextDouble() < failureRate;
      events.add(event("applied", releaseId, device, now, null));
      if (fails) {
        events.add(event("crashed", releaseId, device, now, reason));
        events.add(event("rolledBack", releaseId, device, now, reason));
        rolledBack++;
      } else {
        events.add(event("healthy", releaseId, device, now, null));
        healthy++;
      }
    }
    for (int i = 0; i < events.size(); i += 50) {
      post(events.subList(i, Math.min(events.size(), i + 50)));
    }
    return new Reported(healthy, rolledBack);
  }

  private String event(String type, String releaseId, String device, String time, TrialReason reason) {
    return "{\"type\":\"" + type + "\",\"appId\":\"" + appId + "\",\"platform\":\"android\",\"channel\":\"" + channel + "\",\"releaseId\":\""
        + releaseId + "\",\"deviceId\":\"" + device + "\",\"time\":\"" + time + "\""
        + (reason == null ? "" : ",\"reason\":\"" + reason.wire() + "\",\"detail\":\"simulated " + reason.wire() + "\"") + "}";
  }

  private void post(List<String> batch) throws Exception {
    URI server = servers.get(next++ % servers.size());
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.resolve("/v1/events"))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"events\":[" + String.join(",", batch) + "]}", StandardCharsets.UTF_8))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    assertThat(response.body()).as("every event counted under its release").isEqualTo("{\"accepted\":" + batch.size() + "}");
  }
}
