package com.kivyx.ota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.analysis.AnalysisPolicy;
import com.kivyx.ota.analysis.Baseline;
import com.kivyx.ota.analysis.Limit;
import com.kivyx.ota.analysis.SequentialTest;
import com.kivyx.ota.analysis.TrialCounts;
import com.kivyx.ota.crds.AnalysisSpec;
import com.kivyx.ota.crds.AnalysisStatus;
import com.kivyx.ota.crds.Channel;
import com.kivyx.ota.crds.ChannelSpec;
import com.kivyx.ota.crds.FileSourceSpec;
import com.kivyx.ota.crds.Release;
import com.kivyx.ota.crds.ReleaseSpec;
import com.kivyx.ota.crds.Rollout;
import com.kivyx.ota.crds.RolloutSpec;
import com.kivyx.ota.crds.RolloutStatus;
import com.kivyx.ota.crds.testing.KubeApi;
import com.kivyx.ota.dashboard.DashboardServer;
import com.kivyx.ota.dashboard.DashboardSettings;
import com.kivyx.ota.dashboard.catalog.StoreCatalog;
import com.kivyx.ota.dashboard.kube.KubeRolloutSource;
import com.kivyx.ota.dashboard.metrics.PrometheusMetrics;
import com.kivyx.ota.prometheus.PrometheusClient;
import com.kivyx.ota.operator.testing.OperatorTestbed;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.operator.KivyxOperator;
import com.kivyx.ota.operator.OperatorSettings;
import com.kivyx.ota.server.KubernetesChannelSource;
import com.kivyx.ota.server.ManifestServer;
import com.kivyx.ota.server.ServerConfig;
import com.kivyx.ota.server.ServerMetrics;
import com.kivyx.ota.server.SnapshotBuilder;
import com.kivyx.ota.signing.CoseVerifier;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.store.DirectoryStore;
import com.kivyx.ota.store.Sha256;
import com.kivyx.ota.telemetry.TrialReason;
import com.kivyx.ota.testing.Eventually;
import com.kivyx.ota.testing.Pipeline;
import com.kivyx.ota.testing.PrometheusServer;
import com.kivyx.ota.testing.S3TestServer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The crash guardrail end to end, with nothing faked: a real kube-apiserver + etcd, the
 * operator, two manifest-server replicas serving the Channels' signed indexes, a real
 * Prometheus scraping both every second, and a seeded fleet of devices posting event batches.
 * A release as good as its predecessor completes; one five times worse is halted and taken off
 * the index (then resumed with a fresh count); without data every look is Inconclusive and a
 * gate holds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GuardrailIT {
  private static final String NS = "guardrail";
  private static final String PREFIX = NS + "/ota";
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final double BASELINE_RATE = 0.01;

  @TempDir static Path dir;
  private OperatorTestbed testbed;
  private KubeApi kube;
  private S3TestServer s3;
  private LocalKeySigner signer;
  private String keyPem;
  private final List<ManifestServer> servers = new ArrayList<>();
  private final List<KubernetesClient> clients = new ArrayList<>();
  private final List<URI> serverUrls = new ArrayList<>();
  private PrometheusServer prometheus;
  private KivyxOperator operator;

  @BeforeAll
  void start() throws Exception {
    testbed = new OperatorTestbed(dir);
    kube = testbed.kube;
    s3 = testbed.s3;
    signer = testbed.signer;
    keyPem = testbed.keyPem;
    testbed.namespace(NS);
    testbed.secrets(NS);

    for (int i = 0; i < 2; i++) {
      KubernetesClient client = newClient();
      ServerMetrics metrics = new ServerMetrics();
      KubernetesChannelSource source = new KubernetesChannelSource(client, Optional.of(NS), s3.store(PREFIX),
          new SnapshotBuilder(Map.of(signer.kid(), signer.publicKey()), Clock.systemUTC()), metrics, Clock.systemUTC());
      ManifestServer server = ManifestServer.start(ServerConfig.defaults("127.0.0.1", 0, Optional.empty()).withEventRate(100_000, 100_000), source, metrics);
      servers.add(server);
      serverUrls.add(URI.create("http://127.0.0.1:" + server.port() + "/"));
    }
    prometheus = new PrometheusServer(Files.createDirectories(dir.resolve("prometheus")), servers.stream().map(ManifestServer::port).toList());
    prometheus.awaitTargetsUp(2);
    operator = new KivyxOperator(newClient(), new OperatorSettings(Optional.empty(), 0, dir.resolve("operator"), false, Set.of(),
        Optional.of(prometheus.url)), Map.of("AWS_REGION", "us-east-1"), Clock.systemUTC());
    operator.start();
  }

  @AfterAll
  void stop() throws Exception {
    if (operator != null) {
      operator.close();
    }
    servers.forEach(ManifestServer::close);
    clients.forEach(KubernetesClient::close);
    if (prometheus != null) {
      prometheus.close();
    }
    if (testbed != null) {
      testbed.close();
    }
  }

  // ---------------------------------------------------------------- a good release completes

  @Test
  @Order(1)
  void aReleaseAsGoodAsItsBaselineCompletes() throws Exception {
    String app = "com.kivyx.guard.good";
    DeviceFleet fleet = new DeviceFleet(serverUrls, app, "production", 1);
    DeviceFleet.Reported base = baseline("good", app, fleet);

    create(release("good-v2", "good", app, 2));
    create(rollout("good-v2", "good", "good-v2", List.of(new RolloutSpec.Step(20, null), gate(200), new RolloutSpec.Step(60, null), gate(400))));
    awaitServed(app, "good-v2");
    String uid = rolloutUid("good-v2");
    long reported = 0;
    long reportedFailures = 0;
    int device = 100_000;
    for (int wave = 0; wave < 60 && !RolloutStatus.COMPLETED.equals(status("good-v2").phase()); wave++) {
      RolloutStatus st = status("good-v2");
      assertThat(st.phase()).as("never halted: %s", st.message()).isNotEqualTo(RolloutStatus.HALTED);
      DeviceFleet.Reported r = fleet.trial("good-v2", uid, st.currentWeight(), device, device + 200, BASELINE_RATE, TrialReason.JS_ERROR);
      reported += r.trials();
      reportedFailures += r.rolledBack();
      device += 200;
      Thread.sleep(1500);
    }
    awaitPhase("good-v2", RolloutStatus.COMPLETED);
    RolloutStatus done = status("good-v2");
    assertThat(done.analysis().verdict()).isEqualTo(AnalysisStatus.PASS);
    assertThat(done.analysis().trials()).isGreaterThanOrEqualTo(400);
    assertThat(events("good-v2")).noneMatch(e -> e.contains("Halted"));
    System.out.printf("GuardrailIT: the good release completed after %d reported trials (%s)%n", reported, done.analysis().message());

    // the dashboard on the same cluster and Prometheus: the release page shows what the fleet sent,
    // against the baseline the operator chose, with the Rollout's limit and its steps from its Events
    try (KubeRolloutSource rollouts = new KubeRolloutSource(newClient(), List.of(NS)).awaitSynced(60);
        DashboardServer dashboard = DashboardServer.start(new DashboardSettings("127.0.0.1", 0, serverUrls.get(0).toString()),
            new StoreCatalog(s3.store(PREFIX), Map.of(signer.kid(), signer.publicKey()), Clock.systemUTC()), rollouts, Optional.empty(),
            new PrometheusMetrics(new PrometheusClient(prometheus.url, Duration.ofSeconds(10)), Clock.systemUTC()))) {
      URI page = URI.create("http://127.0.0.1:" + dashboard.port() + "/apps/" + app + "/android/production/releases/good-v2?range=15m");
      String sent = "<span class=\"key\">good-v2</span> " + percent(reportedFailures, reported) + " (" + count(reportedFailures) + " of " + count(reported) + ")";
      Eventually.await("the release page shows the " + reported + " trials sent", TIMEOUT, () -> get(page).contains(sent));
      assertThat(get(page)).contains(
          "<span class=\"key\">baseline good-v1</span> " + percent(base.rolledBack(), base.trials()) + " (" + count(base.rolledBack()) + " of " + count(base.trials()) + ")",
          "guardrail limit " + done.analysis().limit().split(" ")[0], "id=\"chart-events\"", "Rollout steps:", "weight 20%", "weight 60%");
    }

    // the baseline is superseded and its totals stay frozen from then on
    awaitPhase("good-v1", RolloutStatus.SUPERSEDED);
    String frozenAt = status("good-v1").health().observedAt();
    Thread.sleep(3000);
    assertThat(status("good-v1").health().observedAt()).isEqualTo(frozenAt);
  }

  // ---------------------------------------------------------------- a 5x worse release is halted

  @Test
  @Order(2)
  void aReleaseFiveTimesWorseIsHaltedAndTakenOffTheIndex() throws Exception {
    String app = Pipeline.APP; // the static-mode check below re-uses core's test pipeline for the same channel
    DeviceFleet fleet = new DeviceFleet(serverUrls, app, "production", 2);
    DeviceFleet.Reported base = baseline("bad", app, fleet);

    create(release("bad-v2", "bad", app, 2));
    create(rollout("bad-v2", "bad", "bad-v2", List.of(new RolloutSpec.Step(50, null), gate(5000))));
    awaitServed(app, "bad-v2");
    assertThat(index(app).releases()).anyMatch(r -> r.releaseId().equals("bad-v2"));
    String uid = rolloutUid("bad-v2");
    long reportedTrials = 0;
    long reportedFailures = 0;
    int device = 100_000;
    for (int wave = 0; wave < 60 && !RolloutStatus.HALTED.equals(status("bad-v2").phase()); wave++) {
      DeviceFleet.Reported r = fleet.trial("bad-v2", uid, 50, device, device + 200, 5 * BASELINE_RATE, TrialReason.CRASHED_BEFORE_JS);
      reportedTrials += r.trials();
      reportedFailures += r.rolledBack();
      device += 200;
      Thread.sleep(1500);
    }
    awaitPhase("bad-v2", RolloutStatus.HALTED);
    RolloutStatus halted = status("bad-v2");
    AnalysisStatus a = halted.analysis();
    assertThat(a.verdict()).isEqualTo(AnalysisStatus.HALT);
    assertThat(a.action()).isEqualTo(AnalysisSpec.WEIGHT_ZERO);
    assertThat(halted.currentWeight()).isZero();
    assertThat(a.baseline().release()).isEqualTo("bad-v1");
    assertThat(a.baseline().trials()).isEqualTo(base.trials());
    // exact counts, not increase()'s extrapolation: at most what the fleet had sent when the analysis read Prometheus
    assertThat(a.trials()).isBetween(1L, reportedTrials);
    assertThat(a.failures()).isBetween(1L, reportedFailures);
    assertThat(a.failuresByReason()).containsOnlyKeys(TrialReason.CRASHED_BEFORE_JS.wire());
    assertThat(halted.message()).contains("halted by analysis run 1", "settled trials failed", "limit", "evidence", "ota.kivyx.com/resume=1");
    assertThat(a.query()).contains("kivyx_ota_device_events_total", "release=\"bad-v2\"");
    assertThat(events("bad-v2")).anyMatch(e -> e.startsWith("Warning Halted") && e.contains("settled trials failed") && e.contains("limit"));
    System.out.printf("GuardrailIT: the 5x release was halted after %d settled trials (%d failed); the fleet had reported %d (%d failed): %s%n",
        a.trials(), a.failures(), reportedTrials, reportedFailures, a.message());
    // the exact counts the fleet sent halt by the same rule: the verdict follows the data, not luck
    Limit limit = AnalysisPolicy.DEFAULT.limit().limitFor(Optional.of(new Baseline("bad-v1", new TrialCounts(base.healthy(), base.rolledBack()))));
    assertThat(new SequentialTest(AnalysisPolicy.DEFAULT, Duration.ofMinutes(5)).halts(
        new TrialCounts(reportedTrials - reportedFailures, reportedFailures), limit)).isTrue();

    Eventually.await("bad-v2 leaves the served index", TIMEOUT, () -> {
      try {
        return index(app).releases().stream().noneMatch(r -> r.releaseId().equals("bad-v2"));
      } catch (Exception e) {
        return false; // a replica between two snapshots: ask again
      }
    });

    // static mode: the same verdict from the same Prometheus, and --halt takes the release off a CDN store's index
    Path cdn = dir.resolve("cdn");
    Pipeline pipeline = new Pipeline(new DirectoryStore(cdn), signer, dir.resolve("cdn-work"));
    Path bundle = Files.writeString(dir.resolve("bad-v2.js"), "console.log('bad-v2');");
    pipeline.offer(pipeline.publish(Pipeline.request("bad-v2", 2, bundle, List.of()), false), 10_000);
    Path keyFile = Files.writeString(dir.resolve("ota-signing.pem"), keyPem);
    String[] common = {"analyze", "--prometheus-url", prometheus.url.toString(), "--app", app, "--platform", "android", "--channel", "production",
        "--release", "bad-v2", "--since", a.startedAt(), "--baseline-trials", String.valueOf(a.baseline().trials()),
        "--baseline-failures", String.valueOf(a.baseline().failures())};
    CliRun dry = CliRun.of(common);
    assertThat(dry.code()).as(dry.err()).isEqualTo(AnalyzeCommand.HALT);
    JsonNode verdict = new ObjectMapper().readTree(dry.out());
    assertThat(verdict.get("verdict").asText()).isEqualTo("Halt");
    assertThat(verdict.get("trials").asLong()).isGreaterThan(0);
    assertThat(verdict.get("query").asText()).contains("release=\"bad-v2\"");
    List<String> halting = new ArrayList<>(List.of(common));
    halting.addAll(List.of("--halt", "--store", cdn.toString(), "--key", keyFile.toString(), "--kid", signer.kid()));
    CliRun halt = CliRun.of(halting.toArray(String[]::new));
    assertThat(halt.code()).as(halt.err()).isEqualTo(AnalyzeCommand.HALT);
    ChannelIndex cdnIndex = new Documents().readChannelIndex(new CoseVerifier(Map.of(signer.kid(), signer.publicKey()))
        .verify(Files.readAllBytes(cdn.resolve("apps/" + app + "/android/production/index.cose")), ChannelIndex.CONTENT_TYPE).payload());
    assertThat(cdnIndex.releases()).singleElement().satisfies(r -> assertThat(r.rollout().weight()).isZero());

    // resume: a fresh run from now, back at the step's weight
    Rollout ro = kube.client.resources(Rollout.class).inNamespace(NS).withName("bad-v2").get();
    ro.getMetadata().setAnnotations(Map.of(Rollout.RESUME_ANNOTATION, "1"));
    kube.client.resource(ro).update();
    Eventually.await("bad-v2 resumed as run 2", TIMEOUT, () -> {
      RolloutStatus st = status("bad-v2");
      return st.analysis() != null && st.analysis().run() == 2 && RolloutStatus.PROGRESSING.equals(st.phase());
    });
    RolloutStatus resumed = status("bad-v2");
    assertThat(resumed.currentWeight()).isEqualTo(50);
    assertThat(resumed.analysis().verdict()).isEqualTo(AnalysisStatus.INCONCLUSIVE); // no trials since the resume
    assertThat(resumed.analysis().trials() == null || resumed.analysis().trials() < a.trials()).isTrue();
  }

  // ---------------------------------------------------------------- no data: never a verdict

  @Test
  @Order(3)
  void withoutDataEveryLookIsInconclusiveAndTheGateHolds() throws Exception {
    String app = "com.kivyx.guard.gap";
    create(channel("gap", app));
    create(release("gap-v1", "gap", app, 1));
    create(rollout("gap-v1", "gap", "gap-v1", List.of(new RolloutSpec.Step(10, null), gate(100))));
    awaitServed(app, "gap-v1");
    Eventually.await("looks at gap-v1", TIMEOUT, () -> status("gap-v1") != null && status("gap-v1").analysis() != null);
    Thread.sleep(5000); // several looks with no trials at all
    RolloutStatus quiet = status("gap-v1");
    assertThat(quiet.phase()).isEqualTo(RolloutStatus.PROGRESSING);
    assertThat(quiet.currentStep()).isEqualTo(1);
    assertThat(quiet.analysis().verdict()).isEqualTo(AnalysisStatus.INCONCLUSIVE);

    // the servers go away: Prometheus marks their series stale, and the looks say so
    servers.forEach(ManifestServer::close);
    Eventually.await("the look reports missing data", TIMEOUT, () -> status("gap-v1").analysis().message().contains("no series"));
    RolloutStatus gap = status("gap-v1");
    assertThat(gap.phase()).isEqualTo(RolloutStatus.PROGRESSING);
    assertThat(gap.currentStep()).as("the gate holds").isEqualTo(1);
    assertThat(gap.currentWeight()).isEqualTo(10);
    assertThat(gap.analysis().verdict()).isEqualTo(AnalysisStatus.INCONCLUSIVE);
    assertThat(gap.conditions()).anySatisfy(c -> {
      assertThat(c.type()).isEqualTo("Healthy");
      assertThat(c.reason()).isEqualTo("NotEnoughEvidence");
    });
  }

  // ---------------------------------------------------------------- helpers

  /** A Channel and its v1 at 100%, with 3,000 trials at the baseline rate settled in its status. */
  private DeviceFleet.Reported baseline(String channel, String app, DeviceFleet fleet) throws Exception {
    create(channel(channel, app));
    create(release(channel + "-v1", channel, app, 1));
    create(rollout(channel + "-v1", channel, channel + "-v1", null));
    awaitPhase(channel + "-v1", RolloutStatus.COMPLETED);
    awaitServed(app, channel + "-v1");
    DeviceFleet.Reported sent = fleet.trial(channel + "-v1", rolloutUid(channel + "-v1"), 100, 0, 3000, BASELINE_RATE, TrialReason.JS_ERROR);
    // exact counts (no increase() extrapolation): once scraped, the status holds what was sent
    Eventually.await(channel + "-v1's totals in its status, as sent", TIMEOUT, () -> {
      RolloutStatus st = status(channel + "-v1");
      return st.health() != null && Long.valueOf(sent.healthy()).equals(st.health().healthy()) && Long.valueOf(sent.rolledBack()).equals(st.health().rolledBack());
    });
    return sent;
  }

  /** Both replicas serve the release and Prometheus has its zero-initialised series (else the first events are invisible). */
  private void awaitServed(String app, String release) {
    Eventually.await(release + " served and scraped", TIMEOUT, () -> {
      try {
        String q = "count(kivyx_ota_device_events_total{app=\"" + app + "\",release=\"" + release + "\",type=\"healthy\"})";
        JsonNode r = new ObjectMapper().readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            prometheus.url.resolve("api/v1/query?query=" + java.net.URLEncoder.encode(q, java.nio.charset.StandardCharsets.UTF_8))).build(),
            HttpResponse.BodyHandlers.ofByteArray()).body());
        JsonNode result = r.path("data").path("result");
        return result.size() == 1 && result.get(0).path("value").path(1).asInt() == servers.size();
      } catch (Exception e) {
        return false;
      }
    });
  }

  private ChannelIndex index(String app) throws Exception {
    HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(serverUrls.get(0)
        .resolve("v1/apps/" + app + "/android/channels/production/index")).build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Documents().readChannelIndex(new CoseVerifier(Map.of(signer.kid(), signer.publicKey())).verify(r.body(), ChannelIndex.CONTENT_TYPE).payload());
  }

  private KubernetesClient newClient() {
    KubernetesClient client = new KubernetesClientBuilder().withConfig(kube.client.getConfiguration()).build();
    clients.add(client);
    return client;
  }

  private List<String> events(String name) {
    return kube.client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .map(e -> e.getType() + " " + e.getReason() + " " + e.getMessage())
        .toList();
  }

  private void create(io.fabric8.kubernetes.api.model.HasMetadata resource) {
    kube.client.resource(resource).create();
  }

  private String rolloutUid(String name) {
    return kube.client.resources(Rollout.class).inNamespace(NS).withName(name).get().getMetadata().getUid();
  }

  private RolloutStatus status(String name) {
    return testbed.rolloutStatus(NS, name);
  }

  private void awaitPhase(String name, String phase) {
    testbed.awaitRollout(NS, name, phase, TIMEOUT);
  }

  private static RolloutSpec.Step gate(int minTrials) {
    return new RolloutSpec.Step(null, null, new AnalysisSpec.Gate(minTrials));
  }

  private Channel channel(String name, String app) {
    Channel channel = new Channel();
    channel.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    channel.setSpec(new ChannelSpec(app, "production", List.of(ReleaseSpec.Platform.android),
        new ChannelSpec.SigningKey(new ChannelSpec.SecretKeyRef("ota-signing", null), null, null, null, null),
        new ChannelSpec.Store(new ChannelSpec.S3(S3TestServer.BUCKET, PREFIX, "us-east-1", s3.endpoint().toString(), true, "s3-credentials"), null),
        "1h"));
    return channel;
  }

  private Release release(String name, String channel, String app, long versionCode) {
    byte[] data = new byte[4000];
    new Random(versionCode * 31 + name.hashCode()).nextBytes(data);
    String key = NS + "/ci/" + name + ".js";
    try (S3Client client = s3.client(S3TestServer.SECRET_KEY)) {
      client.putObject(b -> b.bucket(S3TestServer.BUCKET).key(key), RequestBody.fromBytes(data));
    }
    Release release = new Release();
    release.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    release.setSpec(new ReleaseSpec(channel, app, ReleaseSpec.Platform.android, "1.0." + versionCode, versionCode, "1.0.0",
        new FileSourceSpec("index.android.bundle", "s3://" + S3TestServer.BUCKET + "/" + key, Sha256.hex(data), (long) data.length, null),
        List.of(), "notes"));
    return release;
  }

  private Rollout rollout(String name, String channel, String release, List<RolloutSpec.Step> steps) {
    Rollout rollout = new Rollout();
    rollout.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    rollout.setSpec(new RolloutSpec(channel, release, false, null, steps, false,
        new AnalysisSpec(null, null, null, null, "1s", null, null)));
    return rollout;
  }

  private static String percent(long part, long whole) {
    return String.format(java.util.Locale.ROOT, "%.2f%%", 100 * ((double) part / whole)); // as the page computes it
  }

  private static String count(long n) {
    return String.format(java.util.Locale.ROOT, "%,d", n);
  }

  private static String get(URI url) {
    try {
      return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(url).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      throw new IllegalStateException("GET " + url + ": " + e, e);
    }
  }
}
