package com.kivyx.ota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.crds.Release;
import com.kivyx.ota.crds.ReleaseStatus;
import com.kivyx.ota.crds.Rollout;
import com.kivyx.ota.crds.RolloutStatus;
import com.kivyx.ota.crds.testing.KubeApi;
import com.kivyx.ota.rollout.Buckets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kivyx-ota demo --kubernetes} on a real kube-apiserver + etcd: the examples as written
 * (only the files' port and the store directory moved, so parallel runs do not collide) end
 * Published, the Rollout starts at its first step, and devices get answers from it.
 */
class KubernetesDemoIT {
  private static final Pattern UPDATE_URL = Pattern.compile("curl -s '(http://127\\.0\\.0\\.1:\\d+/v1/apps/com\\.example\\.app/android/channels/production)/update");
  private static final String NS = "ota-demo";

  @TempDir static Path dir;
  private static KubeApi kube;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startKube() throws Exception {
    kube = new KubeApi();
  }

  @AfterAll
  static void stopKube() {
    if (kube != null) {
      kube.close();
    }
  }

  @Test
  void installsRunsAndAppliesTheExamplesSoTheyPublishAndRollOut() throws Exception {
    Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), kube.kubeConfigYaml());
    CountDownLatch stop = new CountDownLatch(1);
    DemoAndServeCommandTest.Running demo = DemoAndServeCommandTest.start(new DemoCommand(stop), stop,
        "--kubernetes", "--kubeconfig", kubeconfig.toString(), "--store-dir", dir.resolve("store").toString(), "--bundles-port", "0", "--port", "0", "--dashboard-port", "0");
    String channel = awaitChannelUrl(demo);

    Release first = kube.client.resources(Release.class).inNamespace(NS).withName("app-1-0-0").get();
    assertThat(first.getStatus().phase()).isEqualTo(ReleaseStatus.Phase.PUBLISHED);
    assertThat(first.getStatus().keyId()).isEqualTo(KubernetesDemo.KID);
    Release second = kube.client.resources(Release.class).inNamespace(NS).withName("app-1-0-1").get();
    assertThat(second.getStatus().phase()).isEqualTo(ReleaseStatus.Phase.PUBLISHED);
    assertThat(second.getStatus().deltas()).as("a kvxd1 delta from 1.0.0").isNotEmpty();
    RolloutStatus rollout = kube.client.resources(Rollout.class).inNamespace(NS).withName("app-1-0-1").get().getStatus();
    assertThat(rollout.currentWeight()).isEqualTo(10);
    assertThat(rollout.phase()).isIn(RolloutStatus.PROGRESSING, RolloutStatus.PAUSED);

    // a Release reaches devices only through a Rollout: 1.0.1 at 10% of the devices that match its targeting, 1.0.0 nobody
    long offered = 0;
    for (int i = 0; i < 200; i++) {
      JsonNode answer = getJson(channel + "/update?deviceId=device-" + i + "&runtimeVersion=1.0.0&rnVersion=0.76.0");
      if (answer.get("decision").asText().equals("update")) {
        assertThat(answer.get("releaseId").asText()).isEqualTo(second.getStatus().releaseId());
        offered++;
      } else {
        assertThat(answer.get("decision").asText()).isEqualTo("none");
      }
    }
    // exactly the devices whose bucket the weight reaches (the index's rollout id is the Rollout's uid)
    String rolloutId = kube.client.resources(Rollout.class).inNamespace(NS).withName("app-1-0-1").get().getMetadata().getUid();
    long inWeight = java.util.stream.IntStream.range(0, 200).filter(i -> Buckets.bucket(rolloutId, "device-" + i) < 1_000).count();
    assertThat(offered).isEqualTo(inWeight).isBetween(1L, 199L);
    for (int i = 0; i < 50; i++) {
      assertThat(getJson(channel + "/update?deviceId=device-" + i + "&runtimeVersion=1.0.0&rnVersion=0.73.0").get("decision").asText()).isEqualTo("none");
    }
    // the curl lines it prints give the answers they say
    Matcher reached = Pattern.compile("curl -s '([^']+deviceId=(device-\\d+)[^']*)'").matcher(demo.out().toString());
    assertThat(reached.find()).isTrue();
    assertThat(getJson(reached.group(1)).get("releaseId").asText()).isEqualTo(second.getStatus().releaseId());
    assertThat(reached.find()).isTrue();
    assertThat(getJson(reached.group(1)).get("decision").asText()).isEqualTo("none");
    // the dashboard it prints shows the Rollout from the cluster, with its buttons live
    Matcher dashboard = Pattern.compile("Dashboard: (http://127\\.0\\.0\\.1:[0-9]+/)").matcher(demo.out().toString());
    assertThat(dashboard.find()).as(demo.out().toString()).isTrue();
    String rolloutPage = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(dashboard.group(1) + "namespaces/" + NS + "/rollouts/app-1-0-1")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    assertThat(rolloutPage).contains("Rollout app-1-0-1", "weight <strong>10%</strong>", "id=\"promote\"").doesNotContain("Read-only dashboard");
    // a device that took 1.0.1 reports it to the demo's server; the release page totals that server's /metrics
    String releaseId = second.getStatus().releaseId();
    HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(channel.replaceAll("/v1/apps/.*", "/v1/events")))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"events\":[{\"type\":\"applied\",\"appId\":\"com.example.app\",\"platform\":\"android\","
            + "\"channel\":\"production\",\"releaseId\":\"" + releaseId + "\",\"deviceId\":\"device-1\",\"time\":\"" + java.time.Instant.now() + "\"}]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
    String releasePage = http.send(HttpRequest.newBuilder(URI.create(dashboard.group(1) + "apps/com.example.app/android/production/releases/" + releaseId)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertThat(releasePage).contains("data-stage=\"applied\">1<", "Totals only");
    assertThat(demo.err().toString()).contains("CRDs installed", "generated a signing key into Secret ota-signing", "applied examples/channel.yaml", "examples/rollout.yaml");
    assertThat(demo.stop()).isZero();

    // a second run reuses the key and leaves the published releases as they are
    CountDownLatch again = new CountDownLatch(1);
    DemoAndServeCommandTest.Running rerun = DemoAndServeCommandTest.start(new DemoCommand(again), again,
        "--kubernetes", "--kubeconfig", kubeconfig.toString(), "--store-dir", dir.resolve("store").toString(), "--bundles-port", "0", "--port", "0", "--dashboard-port", "0");
    awaitChannelUrl(rerun);
    assertThat(rerun.err().toString()).contains("reusing the signing key in Secret ota-signing");
    assertThat(kube.client.resources(Release.class).inNamespace(NS).withName("app-1-0-1").get().getStatus().manifestUrl())
        .isEqualTo(second.getStatus().manifestUrl());
    assertThat(rerun.stop()).isZero();
  }

  @Test
  void noClusterIsAOneLineReasonBeforeAnythingStarts() throws Exception {
    Path kubeconfig = Files.writeString(dir.resolve("nowhere"), kube.kubeConfigYaml().replaceAll("server: https://[^\\s]+", "server: https://127.0.0.1:1"));
    CountDownLatch stop = new CountDownLatch(1);
    DemoAndServeCommandTest.Running demo = DemoAndServeCommandTest.start(new DemoCommand(stop), stop,
        "--kubernetes", "--kubeconfig", kubeconfig.toString(), "--store-dir", dir.resolve("unused").toString());
    assertThat(demo.exit().get()).isEqualTo(2);
    assertThat(demo.err().toString()).contains("no Kubernetes API at https://127.0.0.1:1/", "kind create cluster");
    assertThat(dir.resolve("unused")).doesNotExist();
  }

  private static String awaitChannelUrl(DemoAndServeCommandTest.Running demo) throws Exception {
    long deadline = System.nanoTime() + 240_000_000_000L;
    while (System.nanoTime() < deadline) {
      Matcher m = UPDATE_URL.matcher(demo.out().toString());
      if (m.find()) {
        return m.group(1);
      }
      if (demo.exit().isDone()) {
        throw new AssertionError("the demo exited with " + demo.exit().get() + ": " + demo.err());
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the demo did not get ready: " + demo.err());
  }

  private JsonNode getJson(String url) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new ObjectMapper().readTree(response.body());
  }
}
