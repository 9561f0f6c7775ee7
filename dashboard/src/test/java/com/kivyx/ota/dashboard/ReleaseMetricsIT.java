package com.kivyx.ota.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.dashboard.catalog.StoreCatalog;
import com.kivyx.ota.crds.AnalysisStatus;
import com.kivyx.ota.dashboard.kube.ChannelResource;
import com.kivyx.ota.dashboard.kube.RolloutEvent;
import com.kivyx.ota.dashboard.kube.RolloutSource;
import com.kivyx.ota.dashboard.kube.RolloutView;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.dashboard.metrics.MetricsSource;
import com.kivyx.ota.dashboard.metrics.PrometheusMetrics;
import com.kivyx.ota.dashboard.metrics.ScrapedMetrics;
import com.kivyx.ota.prometheus.PrometheusClient;
import com.kivyx.ota.server.ManifestServer;
import com.kivyx.ota.server.ServerConfig;
import com.kivyx.ota.testing.Eventually;
import com.kivyx.ota.testing.PrometheusServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The release page's numbers end to end: devices' events POSTed over HTTP to two real manifest
 * servers on one store, a real Prometheus scraping both, and the dashboard's funnel showing
 * exactly what was sent, from Prometheus and from the two servers' own /metrics summed. The
 * charts render in headless Chromium, and a Prometheus that does not answer leaves the page
 * readable with the reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReleaseMetricsIT {
  private static final Pattern STAGE = Pattern.compile("data-stage=\"([^\"]+)\">([0-9]+)<");
  private static final String PAGE = "/apps/com.kivyx.test/android/production/releases/r2";

  @TempDir static Path dir;
  private SampleStore sample;
  private final List<ManifestServer> servers = new ArrayList<>();
  private PrometheusServer prometheus;
  private final List<DashboardServer> dashboards = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  /** What the devices sent for r2 over both servers, by funnel stage. */
  private final Map<String, Long> sent = new LinkedHashMap<>();

  @BeforeAll
  void start() throws Exception {
    sample = new SampleStore(dir);
    Clock clock = Clock.systemUTC();
    for (int i = 0; i < 2; i++) {
      servers.add(sample.deviceServer(ServerConfig.defaults("127.0.0.1", 0, Optional.of(sample.root)).withEventRate(100_000, 100_000), clock));
    }
    prometheus = new PrometheusServer(Files.createDirectories(dir.resolve("prometheus")), servers.stream().map(ManifestServer::port).toList());
    prometheus.awaitTargetsUp(2);

    // different traffic on each replica, so a dashboard that read one server only would be wrong
    send(servers.get(0), "r2", 40, 37, 30, Map.of("jsError", 3L, "launchTimeout", 1L));
    send(servers.get(1), "r2", 25, 20, 15, Map.of("jsError", 2L));
    send(servers.get(1), "r3", 0, 50, 49, Map.of("crashedBeforeJs", 1L)); // the baseline the reader picks
    long applied = sent.get("applied");
    Eventually.await("Prometheus scraped both servers' " + applied + " applied events of r2", Duration.ofSeconds(60),
        () -> promSum("kivyx_ota_device_events_total{release=\"r2\",type=\"applied\"}") == applied
            && promSum("kivyx_ota_device_events_total{release=\"r2\",type=\"rolledBack\"}") == sent.get("rolledBack"));
  }

  @AfterAll
  void stop() throws Exception {
    dashboards.forEach(DashboardServer::close);
    if (prometheus != null) {
      prometheus.close();
    }
    servers.forEach(ManifestServer::close);
  }

  @Test
  void theFunnelFromPrometheusIsExactlyWhatTheDevicesSent() throws Exception {
    String html = page(dashboard(new PrometheusMetrics(new PrometheusClient(prometheus.url, Duration.ofSeconds(10)), Clock.systemUTC())), PAGE + "?range=15m&baseline=r3");
    assertThat(stages(html)).isEqualTo(expected());
    assertThat(html).contains("From Prometheus at " + prometheus.url)
        .contains("id=\"chart-adoption\"", "id=\"chart-failure-rate\"", "id=\"chart-events\"")
        .doesNotContain("No chart:");
    // the failed-trial line ends at the exact counts, beside the rate: 6 of 51 settled, and the baseline 1 of 50
    assertThat(html).contains("<span class=\"key\">r2</span> 11.76% (6 of 51)", "<span class=\"key\">baseline r3</span> 2.00% (1 of 50)");
    // adoption: applied events per release of the channel, exact
    assertThat(html).contains("<span class=\"key\">r2</span> 57</li>", "<span class=\"key\">r3</span> 50</li>");
  }

  @Test
  void withoutPrometheusTheTwoServersMetricsSumToTheSameTotals() throws Exception {
    List<URI> metricsUrls = servers.stream().map(s -> URI.create("http://127.0.0.1:" + s.port() + "/metrics")).toList();
    String html = page(dashboard(new ScrapedMetrics(metricsUrls, Duration.ofSeconds(5))), PAGE);
    assertThat(stages(html)).isEqualTo(expected());
    assertThat(html).contains("Totals only").doesNotContain("class=\"plot\"").doesNotContain("id=\"metrics-problem\"");

    // one replica gone: the page names it and says the totals are partial
    List<URI> withDead = List.of(metricsUrls.get(0), URI.create("http://127.0.0.1:" + freePort() + "/metrics"));
    String partial = page(dashboard(new ScrapedMetrics(withDead, Duration.ofSeconds(5))), PAGE);
    assertThat(partial).contains("Partial totals: 1 of 2 servers did not answer");
    assertThat(stages(partial).get("applied")).isEqualTo(37L);
  }

  @Test
  void aPrometheusThatDoesNotAnswerLeavesThePageReadableWithTheReason() throws Exception {
    int dead = freePort();
    DashboardServer d = dashboard(new PrometheusMetrics(new PrometheusClient(URI.create("http://127.0.0.1:" + dead + "/"), Duration.ofSeconds(3)), Clock.systemUTC()));
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + PAGE)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("Manifest", "id=\"metrics-problem\"", "cannot reach Prometheus at http://127.0.0.1:" + dead + "/");
    assertThat(r.body().split("No chart: cannot reach Prometheus", -1)).as("each chart says why it is missing").hasSize(4);

    // a Prometheus that answers but refuses (a bad query answer, here: not Prometheus at all)
    DashboardServer refusing = dashboard(new PrometheusMetrics(new PrometheusClient(URI.create("http://127.0.0.1:" + servers.get(0).port() + "/"),
        Duration.ofSeconds(3)), Clock.systemUTC()));
    String body = page(refusing, PAGE);
    assertThat(body).contains("id=\"metrics-problem\"").containsPattern("answered [0-9]{3}");
  }

  @Test
  void chartsRenderInARealBrowserAndReadWithoutJavaScript() throws Exception {
    // the Rollout of r2 as the Kubernetes source reads it: its guardrail's baseline and limit, and two step events
    Instant now = Instant.now();
    RolloutView rollout = new RolloutView("ota", "r2-rollout", "production", Optional.of(SampleStore.APP), Optional.of("production"), "r2",
        "Progressing", 2, 50, List.of(), Optional.empty(), Optional.empty(),
        Optional.of(new AnalysisStatus(1, AnalysisStatus.INCONCLUSIVE, now.minusSeconds(600).toString(), now.toString(), 51L, 6L, "11.76%", "2.50%",
            1.0, Map.of("jsError", 5L), new AnalysisStatus.Baseline("r3-rollout", "r3", 50L, 1L), "q", "", null)),
        false, Optional.empty());
    List<RolloutEvent> steps = List.of(
        new RolloutEvent(now.minusSeconds(420).toString(), "Normal", "Progressing", "step 0, weight 10%: started"),
        new RolloutEvent(now.minusSeconds(120).toString(), "Normal", "Progressing", "step 2, weight 50%: analysis passed"));
    DashboardServer d = DashboardServer.start(new DashboardSettings("127.0.0.1", 0, "http://127.0.0.1:" + servers.get(0).port()),
        new StoreCatalog(sample.store, sample.pinnedKeys(), Clock.systemUTC()), new OneRollout(rollout, steps), Optional.empty(),
        new PrometheusMetrics(new PrometheusClient(prometheus.url, Duration.ofSeconds(10)), Clock.systemUTC()));
    dashboards.add(d);
    String url = "http://127.0.0.1:" + d.port() + PAGE + "?range=15m"; // no ?baseline=: the Rollout's (r3) is used
    try (Browser browser = new Browser(true)) {
      browser.driver.get(url);
      Eventually.await("three charts drawn", Duration.ofSeconds(20),
          () -> browser.driver.findElements(By.cssSelector(".plot[data-drawn='true'] canvas")).size() == 3);
      WebElement rates = browser.driver.findElement(By.id("chart-failure-rate"));
      // uPlot's legend names every series: the release and its baseline
      assertThat(rates.findElement(By.cssSelector(".u-legend")).getText()).contains("r2", "baseline r3");
      WebElement adoption = browser.driver.findElement(By.id("chart-adoption"));
      assertThat(adoption.findElement(By.cssSelector(".u-legend")).getText()).contains("r2", "r3");
      ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeScript("document.getElementById('devices').scrollIntoView()");
      browser.screenshot("release-charts");
      ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeScript("document.getElementById('chart-failure-rate').scrollIntoView()");
      browser.screenshot("release-charts-rates");
    }
    try (Browser noScript = new Browser(false)) {
      noScript.driver.get(url);
      assertThat(noScript.driver.findElements(By.cssSelector(".plot canvas"))).isEmpty();
      assertThat(noScript.driver.findElement(By.id("funnel")).getText()).contains("Applied 57", "Rolled back 6", "rolled back: jsError 5");
      assertThat(noScript.driver.findElement(By.cssSelector("#chart-failure-rate .latest")).getText()).contains("r2 11.76% (6 of 51)");
      noScript.driver.findElement(By.cssSelector("#chart-failure-rate summary")).click(); // <details> opens without JavaScript
      assertThat(noScript.driver.findElement(By.cssSelector("#chart-failure-rate table")).getText()).contains("(6 of 51)");
      assertThat(noScript.driver.findElement(By.cssSelector("#chart-failure-rate .latest")).getText()).contains("baseline r3 2.00% (1 of 50)", "guardrail limit 2.50%");
      noScript.driver.findElement(By.cssSelector("#chart-events summary")).click();
      assertThat(noScript.driver.findElement(By.cssSelector("#chart-events details")).getText()).contains("Progressing step 0", "Progressing step 2");
      noScript.screenshot("release-charts-no-js");
    }
  }

  // ---------------------------------------------------------------- helpers

  /** The Rollout source as the Kubernetes one presents a Rollout (that source is tested on the real API server in RolloutDashboardIT). */
  private record OneRollout(RolloutView view, List<RolloutEvent> events) implements RolloutSource {
    @Override
    public boolean enabled() {
      return true;
    }

    @Override
    public List<RolloutView> rollouts() {
      return List.of(view);
    }

    @Override
    public Optional<RolloutView> rollout(String namespace, String name) {
      return Optional.of(view).filter(v -> v.namespace().equals(namespace) && v.name().equals(name));
    }

    @Override
    public List<RolloutEvent> events(String namespace, String name) {
      return rollout(namespace, name).isPresent() ? events : List.of();
    }

    @Override
    public List<ChannelResource> channels(ChannelId id) {
      return List.of();
    }
  }

  private Map<String, Long> expected() {
    Map<String, Long> e = new LinkedHashMap<>();
    e.put("downloaded", sent.get("downloaded"));
    e.put("applied", sent.get("applied"));
    e.put("inTrial", sent.get("applied") - sent.get("healthy") - sent.get("rolledBack"));
    e.put("healthy", sent.get("healthy"));
    e.put("rolledBack", sent.get("rolledBack"));
    e.put("rolledBack:jsError", 5L);
    e.put("rolledBack:launchTimeout", 1L);
    assertThat(e).as("the traffic sent").containsEntry("applied", 57L).containsEntry("healthy", 45L).containsEntry("rolledBack", 6L);
    return e;
  }

  private DashboardServer dashboard(MetricsSource metrics) {
    DashboardServer d = DashboardServer.start(new DashboardSettings("127.0.0.1", 0, "http://127.0.0.1:" + servers.get(0).port()),
        new StoreCatalog(sample.store, sample.pinnedKeys(), Clock.systemUTC()), RolloutSource.none(), Optional.empty(), metrics);
    dashboards.add(d);
    return d;
  }

  private String page(DashboardServer d, String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + d.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  private static Map<String, Long> stages(String html) {
    Map<String, Long> out = new LinkedHashMap<>();
    Matcher m = STAGE.matcher(html);
    while (m.find()) {
      out.put(m.group(1), Long.parseLong(m.group(2)));
    }
    return out;
  }

  /**
   * Devices of one release on one server: {@code downloaded} download it, {@code applied} apply
   * it, {@code healthy} of those report healthy and the others crash and roll back with a reason.
   */
  private void send(ManifestServer server, String release, int downloaded, int applied, int healthy, Map<String, Long> rolledBack) throws Exception {
    assertThat(healthy + rolledBack.values().stream().mapToLong(Long::longValue).sum()).isLessThanOrEqualTo(applied);
    List<String> events = new ArrayList<>();
    String now = Instant.now().toString();
    String prefix = server.port() + "-" + release + "-";
    for (int i = 0; i < downloaded; i++) {
      events.add(event("downloaded", release, prefix + i, now, null));
    }
    for (int i = 0; i < applied; i++) {
      events.add(event("applied", release, prefix + i, now, null));
    }
    for (int i = 0; i < healthy; i++) {
      events.add(event("healthy", release, prefix + i, now, null));
    }
    int d = healthy;
    for (Map.Entry<String, Long> e : rolledBack.entrySet()) {
      for (int k = 0; k < e.getValue(); k++, d++) {
        events.add(event("crashed", release, prefix + d, now, e.getKey()));
        events.add(event("rolledBack", release, prefix + d, now, e.getKey()));
      }
    }
    for (int i = 0; i < events.size(); i += 50) {
      List<String> batch = events.subList(i, Math.min(events.size(), i + 50));
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/events"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"events\":[" + String.join(",", batch) + "]}", StandardCharsets.UTF_8)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      assertThat(r.body()).isEqualTo("{\"accepted\":" + batch.size() + "}");
    }
    if (release.equals("r2")) {
      sent.merge("downloaded", (long) downloaded, Long::sum);
      sent.merge("applied", (long) applied, Long::sum);
      sent.merge("healthy", (long) healthy, Long::sum);
      sent.merge("rolledBack", rolledBack.values().stream().mapToLong(Long::longValue).sum(), Long::sum);
    }
  }

  private static String event(String type, String release, String device, String time, String reason) {
    return "{\"type\":\"" + type + "\",\"appId\":\"" + SampleStore.APP + "\",\"platform\":\"android\",\"channel\":\"production\",\"releaseId\":\""
        + release + "\",\"deviceId\":\"" + device + "\",\"time\":\"" + time + "\"" + (reason == null ? "" : ",\"reason\":\"" + reason + "\"") + "}";
  }

  private long promSum(String selector) {
    try {
      String q = URLEncoder.encode("sum(" + selector + ")", StandardCharsets.UTF_8);
      JsonNode r = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(prometheus.url.resolve("api/v1/query?query=" + q)).build(),
          HttpResponse.BodyHandlers.ofByteArray()).body());
      JsonNode result = r.path("data").path("result");
      return result.size() == 1 ? Math.round(result.get(0).path("value").path(1).asDouble()) : -1;
    } catch (Exception e) {
      return -1;
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
