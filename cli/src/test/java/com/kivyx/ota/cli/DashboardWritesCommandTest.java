package com.kivyx.ota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kivyx-ota dashboard --signing-key}: its argument checks, and a re-sign that {@code kivyx-ota verify} then reads. */
class DashboardWritesCommandTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void refusesWriteOptionsThatCannotWorkBeforeDoingAnything(@TempDir Path dir) {
    String store = dir.toString();
    assertRefused("--signing-kid, --kms-endpoint and --index-ttl need --signing-key", "dashboard", "--store", store, "--pubkey", "x", "--signing-kid", "k");
    assertRefused("--signing-key is for static mode", "dashboard", "--store", store, "--pubkey", "x", "--signing-key", "k.pem", "--kubernetes");
    assertRefused("--signing-key needs a loopback --host", "dashboard", "--store", store, "--pubkey", "x", "--signing-key", "k.pem", "--host", "0.0.0.0");
    assertRefused("--user-header and --groups-header need --actions impersonate", "dashboard", "--store", store, "--pubkey", "x", "--user-header", "X-User");
    assertRefused("must be two different HTTP header names", "dashboard", "--store", store, "--pubkey", "x", "--kubernetes", "--actions", "impersonate",
        "--user-header", "X User");
    assertRefused("--index-ttl must be at least 1m", "dashboard", "--store", store, "--pubkey", "x", "--signing-key", "k.pem", "--index-ttl", "10s");
  }

  @Test
  void reSignFromThePageIsWhatVerifyThenReads(@TempDir Path dir) throws Exception {
    CountDownLatch demoStop = new CountDownLatch(1);
    DemoAndServeCommandTest.Running demo = DemoAndServeCommandTest.start(new DemoCommand(demoStop), demoStop,
        "--dir", dir.toString(), "--port", "0", "--dashboard-port", "0");
    demo.port();
    assertThat(demo.stop()).isZero();
    String store = dir.resolve("store").toString();
    String pub = dir.resolve("keys/demo-v1.pub.pem").toString();
    String key = dir.resolve("keys/demo-v1.key.pem").toString();
    String before = verify(store, pub);

    assertRefused("is not among the --pubkey keys", "dashboard", "--store", store, "--pubkey", pub, "--signing-key", key, "--signing-kid", "other");

    CountDownLatch stop = new CountDownLatch(1);
    DemoAndServeCommandTest.Running dashboard = DemoAndServeCommandTest.start(new DashboardCommand(stop), stop,
        "--store", store, "--pubkey", pub, "--signing-key", key, "--signing-kid", "demo-v1", "--port", "0", "--index-ttl", "3d");
    int port = dashboard.port();
    assertThat(dashboard.err().toString()).contains("writes signed with key demo-v1");
    String channel = "http://127.0.0.1:" + port + "/apps/com.example.demo/android/production";
    String page = http.send(HttpRequest.newBuilder(URI.create(channel)).build(), HttpResponse.BodyHandlers.ofString()).body();
    Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(page);
    Matcher version = Pattern.compile("<dt>Version</dt><dd>([0-9]+)</dd>").matcher(page);
    assertThat(csrf.find() && version.find()).as(page).isTrue();
    long seen = Long.parseLong(version.group(1));
    HttpResponse<String> resign = http.send(HttpRequest.newBuilder(URI.create(channel + "/resign"))
        .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", "http://127.0.0.1:" + port)
        .POST(HttpRequest.BodyPublishers.ofString("csrf=" + csrf.group(1) + "&version=" + seen)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(resign.statusCode()).as(resign.body()).isEqualTo(200);
    assertThat(resign.body()).contains("Signed index version " + (seen + 1));
    assertThat(dashboard.stop()).isZero();

    String after = verify(store, pub);
    assertThat(after).isNotEqualTo(before).contains("index version " + (seen + 1));
  }

  private static String verify(String store, String pub) {
    CliRun run = CliRun.of("verify", "--store", store, "--pubkey", pub, "--app", "com.example.demo", "--platform", "android", "--channel", "production");
    assertThat(run.code()).as(run.err()).isZero();
    return run.out();
  }

  private static void assertRefused(String reason, String... args) {
    CliRun run = CliRun.of(args);
    assertThat(run.code()).as(run.err()).isEqualTo(2);
    assertThat(run.err().lines().filter(l -> !l.isBlank())).hasSize(1).allMatch(l -> l.startsWith("kivyx-ota: ") && l.contains(reason));
  }
}
