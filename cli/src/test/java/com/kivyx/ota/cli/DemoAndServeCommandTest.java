package com.kivyx.ota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DemoAndServeCommandTest {
  private static final Pattern URL = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)");
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  /** A running command: its output so far, and how to stop it. */
  record Running(CompletableFuture<Integer> exit, StringWriter out, StringWriter err, CountDownLatch latch) {
    int port() throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (System.nanoTime() < deadline) {
        Matcher m = URL.matcher(out.toString() + err.toString());
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
        if (exit.isDone()) {
          throw new AssertionError("exited early with " + exit.get() + ": " + err);
        }
        Thread.sleep(50);
      }
      throw new AssertionError("the server did not come up: " + err);
    }

    int stop() throws Exception {
      latch.countDown();
      return exit.get(30, TimeUnit.SECONDS);
    }
  }

  static Running start(Object command, CountDownLatch stop, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Cli.newCommandLine(command);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return new Running(CompletableFuture.supplyAsync(() -> cl.execute(args)), out, err, stop);
  }

  JsonNode getJson(String url) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json.readTree(response.body());
  }

  @Test
  void demoPublishesServesAndCanRunAgain(@TempDir Path dir) throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    Running demo = start(new DemoCommand(stop), stop, "--dir", dir.toString(), "--port", "0", "--dashboard-port", "0");
    int port = demo.port();
    String channel = "http://127.0.0.1:" + port + "/v1/apps/com.example.demo/android/channels/production";
    assertThat(getJson("http://127.0.0.1:" + port + "/readyz").get("channels").asInt()).isEqualTo(1);
    JsonNode update = getJson(channel + "/update?deviceId=device-1&runtimeVersion=1.0.0&currentReleaseId=demo-1");
    assertThat(update.get("decision").asText()).isEqualTo("update");
    assertThat(update.get("releaseId").asText()).isEqualTo("demo-2");
    String out = demo.out().toString();
    assertThat(out).contains("curl -s '" + channel + "/update?deviceId=device-1").contains("rawPubHex: '04").contains("'demo-v1'");
    assertThat(demo.err().toString()).contains("generated the signing key").contains("delta from demo-1");
    // the dashboard it prints shows the demo's channel, and explains device-1 with the server's answer
    java.util.regex.Matcher dashboard = java.util.regex.Pattern.compile("Dashboard: (http://127\\.0\\.0\\.1:[0-9]+/)").matcher(out);
    assertThat(dashboard.find()).as(out).isTrue();
    String overview = http.send(HttpRequest.newBuilder(URI.create(dashboard.group(1))).build(), HttpResponse.BodyHandlers.ofString()).body();
    assertThat(overview).contains("com.example.demo", "demo-2");
    String explain = http.send(HttpRequest.newBuilder(URI.create(dashboard.group(1)
        + "apps/com.example.demo/android/production/explain?deviceId=device-1&runtimeVersion=1.0.0&currentReleaseId=demo-1")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertThat(explain).contains("data-kind=\"update\" data-release=\"demo-2\"", "curl -s '" + channel + "/update?deviceId=device-1");
    // a device reports demo-2 to the demo's server; the release page's totals come from that server's /metrics
    HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"events\":[{\"type\":\"applied\",\"appId\":\"com.example.demo\",\"platform\":\"android\","
            + "\"channel\":\"production\",\"releaseId\":\"demo-2\",\"deviceId\":\"device-1\",\"time\":\"" + java.time.Instant.now() + "\"}]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
    String release = http.send(HttpRequest.newBuilder(URI.create(dashboard.group(1) + "apps/com.example.demo/android/production/releases/demo-2")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertThat(release).contains("data-stage=\"applied\">1<", "data-stage=\"healthy\">0<", "Totals only");
    assertThat(demo.stop()).isZero();

    // again: same key, same releases, nothing republished
    CountDownLatch again = new CountDownLatch(1);
    Running second = start(new DemoCommand(again), again, "--dir", dir.toString(), "--port", "0", "--dashboard-port", "0");
    second.port();
    assertThat(second.err().toString()).contains("reusing the signing key").contains("already published with the same content");
    String keyLine = "Pinned key: ";
    assertThat(second.out().toString().lines().filter(l -> l.startsWith(keyLine)).findFirst())
        .isEqualTo(out.lines().filter(l -> l.startsWith(keyLine)).findFirst());
    assertThat(second.stop()).isZero();

    // and serve, on the demo's store and public key
    CountDownLatch serveStop = new CountDownLatch(1);
    Running serve =
        start(new ServeCommand(serveStop), serveStop, "--store", dir.resolve("store").toString(), "--pubkey", dir.resolve("keys/demo-v1.pub.pem").toString(), "--port", "0");
    int servePort = serve.port();
    assertThat(serve.err().toString()).contains("serving 1 channel(s)");
    HttpResponse<byte[]> index =
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + servePort + "/v1/apps/com.example.demo/android/channels/production/index")).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Type")).hasValue("application/cose");
    assertThat(serve.stop()).isZero();

    // and the dashboard on its own, as `kivyx-ota dashboard`
    CountDownLatch dashboardStop = new CountDownLatch(1);
    Running dashboardCommand = start(new DashboardCommand(dashboardStop), dashboardStop, "--store", dir.resolve("store").toString(),
        "--pubkey", dir.resolve("keys/demo-v1.pub.pem").toString(), "--port", "0", "--device-server-url", "http://devices.example:8080");
    int dashboardPort = dashboardCommand.port();
    assertThat(dashboardCommand.err().toString()).contains("dashboard on http://127.0.0.1:" + dashboardPort + "/");
    String channelPage = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dashboardPort + "/apps/com.example.demo/android/production")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertThat(channelPage).contains("Signed by key", "demo-v1", "demo-2");
    assertThat(dashboardCommand.stop()).isZero();
  }

  @Test
  void helpAndOneLineErrors(@TempDir Path dir) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Cli.newCommandLine(new KivyxOta());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    assertThat(cl.execute("serve", "--help")).isZero();
    assertThat(cl.execute("demo", "--help")).isZero();
    assertThat(out.toString()).contains("--pubkey").contains("--port").contains("--dir");
    assertThat(cl.execute("serve", "--store", dir.toString(), "--pubkey", dir.resolve("missing.pub.pem").toString())).isEqualTo(2);
    assertThat(cl.execute("serve", "--store", dir.toString(), "--pubkey", "x", "--port", "70000")).isEqualTo(2);
    assertThat(cl.execute("dashboard", "--help")).isZero();
    assertThat(cl.execute("dashboard", "--store", dir.toString(), "--pubkey", "x", "--actions", "token")).isEqualTo(2);
    assertThat(cl.execute("dashboard", "--store", dir.toString(), "--pubkey", "x", "--device-server-url", "ftp://x")).isEqualTo(2);
    assertThat(cl.execute("dashboard", "--store", dir.toString(), "--pubkey", "x", "--prometheus-url", "file:///etc/passwd")).isEqualTo(2);
    assertThat(cl.execute("dashboard", "--store", dir.toString(), "--pubkey", "x", "--metrics-url", "http://a:8080/metrics",
        "--prometheus-url", "http://p:9090")).isEqualTo(2);
    assertThat(cl.execute("demo", "--dashboard-port", "-1")).isEqualTo(2);
    assertThat(CliRun.of("demo", "--dashboard-port", "8080").err()).contains("--dashboard-port 8080 is also the --port of this demo");
    assertThat(CliRun.of("demo", "--kubernetes", "--bundles-port", "8090").err()).contains("--bundles-port 8090 is also the --dashboard-port");
    // the defaults of the three servers --kubernetes starts do not clash: it gets as far as the kubeconfig
    CliRun defaults = CliRun.of("demo", "--kubernetes", "--kubeconfig", dir.resolve("no-such-kubeconfig").toString());
    assertThat(defaults.code()).isEqualTo(2);
    assertThat(defaults.err()).contains("--kubeconfig").doesNotContain("give each its own port");
    assertThat(err.toString().lines().filter(l -> !l.isBlank())).allMatch(l -> l.startsWith("kivyx-ota: "));
    assertThat(err.toString()).contains("cannot read public key file").contains("--port must be 0-65535")
        .contains("--actions and --namespace need --kubernetes", "--device-server-url must be an http(s) URL", "--dashboard-port must be 0-65535",
            "--prometheus-url must be an http(s) URL with a host, got file:///etc/passwd", "--prometheus-url and --metrics-url are alternatives");
  }
}
