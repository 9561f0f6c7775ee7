package com.kivyx.ota.cli;

import com.kivyx.ota.dashboard.DashboardServer;
import com.kivyx.ota.dashboard.DashboardSettings;
import com.kivyx.ota.dashboard.catalog.StoreCatalog;
import com.kivyx.ota.dashboard.kube.RolloutSource;
import com.kivyx.ota.dashboard.metrics.ScrapedMetrics;
import com.kivyx.ota.delta.DeltaBudget;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.format.RolloutInfo;
import com.kivyx.ota.publish.AssetSource;
import com.kivyx.ota.publish.ChannelChange;
import com.kivyx.ota.publish.ChannelIndexUpdater;
import com.kivyx.ota.publish.FileSource;
import com.kivyx.ota.publish.IndexUpdate;
import com.kivyx.ota.publish.Kvxd1DeltaMaker;
import com.kivyx.ota.publish.PublishedRelease;
import com.kivyx.ota.publish.ReleasePublisher;
import com.kivyx.ota.publish.ReleaseRequest;
import com.kivyx.ota.publish.SourceFetcher;
import com.kivyx.ota.publish.VersionCodeRule;
import com.kivyx.ota.server.ManifestServer;
import com.kivyx.ota.server.ServerConfig;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.signing.P256;
import com.kivyx.ota.signing.PemKeys;
import com.kivyx.ota.store.DirectoryStore;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kivyx-ota demo}: the whole product on the embedded defaults in one command. Re-running
 * reuses the key and the releases (publishing the same bundle again is a no-op).
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Try Kivyx OTA locally: generate a signing key, publish two releases of a sample bundle (the second with a",
      "kvxd1 delta from the first) into a directory store, serve it on localhost, and print curl commands and the",
      "client configuration to try. Running it again reuses the key and releases.",
      "With --kubernetes: the same on a cluster (CRDs, the operator and server in this process, examples/ applied)."
    })
final class DemoCommand implements Callable<Integer> {
  static final String APP = "com.example.demo";
  static final Platform PLATFORM = Platform.ANDROID;
  static final String CHANNEL = "production";
  static final ChannelId CHANNEL_ID = new ChannelId(APP, PLATFORM, CHANNEL);
  static final String RUNTIME = "1.0.0";
  static final String KID = "demo-v1";

  @Spec CommandSpec spec;

  @Option(names = "--dir", paramLabel = "DIR", description = "Where the demo keeps its key and store (default: ${DEFAULT-VALUE}).")
  Path dir = Path.of("kivyx-ota-demo");

  @Option(names = "--port", paramLabel = "PORT", description = "Port to serve on (default: ${DEFAULT-VALUE}).")
  int port = ServerConfig.DEFAULT_PORT;

  @Option(names = "--host", paramLabel = "ADDRESS", description = "Address to serve on (default: ${DEFAULT-VALUE}).")
  String host = "127.0.0.1";

  @Option(names = "--dashboard-port", paramLabel = "PORT", description = "Port of the dashboard (default: ${DEFAULT-VALUE}).")
  int dashboardPort = DashboardCommand.DEFAULT_PORT;

  @ArgGroup(exclusive = false, heading = "%nOn Kubernetes:%n")
  KubernetesDemo.Options kubernetes;

  private final CountDownLatch stop;

  DemoCommand() {
    this(new CountDownLatch(1));
  }

  DemoCommand(CountDownLatch stop) {
    this.stop = stop;
  }

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65_535) {
      throw new Cli.UsageError("--port must be 0-65535, got " + port);
    }
    if (dashboardPort < 0 || dashboardPort > 65_535) {
      throw new Cli.UsageError("--dashboard-port must be 0-65535, got " + dashboardPort);
    }
    if (kubernetes != null && kubernetes.bundlesPort != 0 && (kubernetes.bundlesPort == port || kubernetes.bundlesPort == dashboardPort)) {
      throw new Cli.UsageError("--bundles-port " + kubernetes.bundlesPort + " is also the " + (kubernetes.bundlesPort == port ? "--port" : "--dashboard-port")
          + " of this demo; give each its own port");
    }
    if (dashboardPort != 0 && dashboardPort == port) {
      throw new Cli.UsageError("--dashboard-port " + dashboardPort + " is also the --port of this demo; give each its own port");
    }
    ProgressPrinter progress = new ProgressPrinter(spec.commandLine().getErr());
    if (kubernetes != null) {
      return onKubernetes(progress);
    }
    Path keys = dir.resolve("keys");
    Path keyFile = keys.resolve(KID + ".key.pem");
    if (Files.exists(keyFile)) {
      progress.step("reusing the signing key " + keyFile);
    } else {
      KeysCommand.writeNewKey(keys, KID, false);
      progress.step("generated the signing key " + keyFile + " (keep it secret) and " + keys.resolve(KID + ".pub.pem"));
    }
    LocalKeySigner signer = new LocalKeySigner(KID, PemKeys.privateKey(Files.readString(keyFile, StandardCharsets.US_ASCII)));

    Path bundles = dir.resolve("bundles");
    Files.createDirectories(bundles);
    DirectoryStore store = new DirectoryStore(dir.resolve("store"));
    Path work = Files.createTempDirectory("kivyx-ota-demo-");
    try {
      ReleasePublisher publisher =
          new ReleasePublisher(
              store, signer, new SourceFetcher(work, SourceFetcher.defaultHttpClient(), bucket -> {
                throw new Cli.UsageError("the demo publishes local files only");
              }, 1L << 30),
              Optional.of(new Kvxd1DeltaMaker(DeltaBudget.DEFAULT)), VersionCodeRule.INCREASING, Clock.systemUTC(), progress);
      ChannelIndexUpdater updater = new ChannelIndexUpdater(store, signer, Map.of(), Clock.systemUTC(), ChannelIndexUpdater.DEFAULT_TTL, progress);
      PublishedRelease first = publishAndOffer(publisher, updater, bundles, "demo-1", "1.0.1", 1, "first release");
      PublishedRelease second = publishAndOffer(publisher, updater, bundles, "demo-2", "1.0.2", 2, "second release: a small change");
      IndexUpdate index = updater.apply(CHANNEL_ID, ChannelChange.offer(entry(second)));
      if (index.index().expiresAtInstant().isBefore(Instant.now().plus(Duration.ofDays(1)))) {
        index = updater.apply(CHANNEL_ID, ChannelChange.refresh()); // an old demo directory: re-sign before it expires
      }
      ManifestServer server = ServerRunner.start(store, Map.of(KID, signer.publicKey()), host, port, Duration.ofSeconds(5));
      DashboardServer dashboard;
      try {
        dashboard = DashboardServer.start(new DashboardSettings(host, dashboardPort, "http://" + host + ":" + server.port()),
            new StoreCatalog(store, Map.of(KID, signer.publicKey()), Clock.systemUTC()), RolloutSource.none(), Optional.empty(),
            // the demo's own server: its release pages show the event totals devices sent it
            new ScrapedMetrics(List.of(URI.create("http://" + host + ":" + server.port() + "/metrics")), Duration.ofSeconds(5)));
      } catch (RuntimeException e) {
        server.close();
        throw new Cli.UsageError(e.getMessage() + " (--dashboard-port)");
      }
      printInstructions(spec.commandLine().getOut(), server.port(), dashboard.port(), signer, first, second);
      ServerRunner.runUntilStopped(() -> {
        dashboard.close();
        server.close();
      }, stop);
      return 0;
    } finally {
      deleteTree(work);
    }
  }

  private int onKubernetes(ProgressPrinter progress) throws Exception {
    Path work = Files.createTempDirectory("kivyx-ota-demo-");
    try (var client = kubernetes.connect()) {
      new KubernetesDemo(client, new KubernetesDemo.Settings(kubernetes.namespace, kubernetes.storeDir, host, port, kubernetes.bundlesPort, work, dashboardPort),
          progress, spec.commandLine().getOut()).run(stop);
      return 0;
    } finally {
      deleteTree(work);
    }
  }

  private static void deleteTree(Path root) throws java.io.IOException {
    try (var files = Files.walk(root)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private PublishedRelease publishAndOffer(
      ReleasePublisher publisher, ChannelIndexUpdater updater, Path bundles, String releaseId, String version, long versionCode, String notes) throws Exception {
    Path bundle = bundles.resolve(releaseId + ".android.bundle");
    Files.writeString(bundle, sampleBundle(versionCode), StandardCharsets.UTF_8);
    PublishedRelease release =
        publisher.publish(
            new ReleaseRequest(
                APP, PLATFORM, releaseId, version, versionCode, RUNTIME,
                new AssetSource("index.android.bundle", "application/javascript", FileSource.of(bundle.toString())),
                List.of(), Map.of("notes", notes)));
    updater.apply(CHANNEL_ID, ChannelChange.offer(entry(release)));
    return release;
  }

  private static ChannelRelease entry(PublishedRelease release) {
    var m = release.manifest();
    return new ChannelRelease(m.releaseId(), m.versionCode(), m.runtimeVersion(), release.manifestRef(),
        new RolloutInfo(CHANNEL + "/" + m.releaseId(), RolloutInfo.FULL_WEIGHT, false, null));
  }

  /** A deterministic JS bundle of about 40 KB; version 2 changes a few lines, so its delta is small. */
  static String sampleBundle(long version) {
    StringBuilder js = new StringBuilder("/* Kivyx OTA demo bundle, version ").append(version).append(" */\n");
    js.append("var __DEV__=false;var global=this;\n");
    for (int i = 0; i < 800; i++) {
      js.append("__d(function(g,r,i,a,m,e,d){'use strict';m.exports=function screen").append(i).append("(props){return r(")
          .append(i % 7).append(").createElement('View',{key:").append(i).append("},'")
          .append(version > 1 && i % 97 == 0 ? "Hello from the update" : "Hello").append("');};},").append(i).append(");\n");
    }
    js.append("__r(0);\n");
    return js.toString();
  }

  private void printInstructions(
      PrintWriter out, int actualPort, int dashboardActualPort, LocalKeySigner signer, PublishedRelease first, PublishedRelease second) {
    String base = "http://" + host + ":" + actualPort;
    String channel = base + "/v1/apps/" + APP + "/" + PLATFORM.id() + "/channels/" + CHANNEL;
    String delta = second.manifest().deltas().isEmpty() ? second.manifest().launchAsset().url() : second.manifest().deltas().get(0).url();
    String keyHex = P256.rawHex(signer.publicKey());
    out.println();
    out.println("Kivyx OTA demo: serving " + dir.resolve("store") + " on " + base);
    out.println("  app " + APP + ", platform " + PLATFORM.id() + ", channel " + CHANNEL + ", runtime " + RUNTIME
        + ": releases " + first.manifest().releaseId() + " and " + second.manifest().releaseId());
    out.println();
    out.println("Try it:");
    out.println("  curl -s " + base + "/readyz");
    out.println("  # a device on the embedded bundle is offered " + second.manifest().releaseId() + " (JSON with the signed index and manifest in base64):");
    out.println("  curl -s '" + channel + "/update?deviceId=device-1&runtimeVersion=" + RUNTIME + "'");
    out.println("  # the same device after updating: nothing to do");
    out.println("  curl -s '" + channel + "/update?deviceId=device-1&runtimeVersion=" + RUNTIME + "&currentReleaseId=" + second.manifest().releaseId() + "'");
    out.println("  # the signed channel index (COSE), with its ETag; send it back in If-None-Match for a 304");
    out.println("  curl -si " + channel + "/index -o /dev/null -w '%{http_code} %header{etag}\\n'");
    out.println("  # the kvxd1 delta from " + first.manifest().releaseId() + " to " + second.manifest().releaseId() + ", and a byte range of it");
    out.println("  curl -s " + base + "/" + delta + " | wc -c");
    out.println("  curl -s -H 'Range: bytes=0-15' " + base + "/" + delta + " | xxd");
    out.println("  # report an event, then see it counted");
    out.println("  curl -s -X POST -H 'Content-Type: application/json' " + base + "/v1/events -d '{\"events\":[{\"type\":\"healthy\",\"appId\":\""
        + APP + "\",\"platform\":\"" + PLATFORM.id() + "\",\"channel\":\"" + CHANNEL + "\",\"releaseId\":\"" + second.manifest().releaseId()
        + "\",\"deviceId\":\"device-1\",\"time\":\"" + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + "\"}]}'");
    out.println("  curl -s " + base + "/metrics | grep kivyx_ota_device_events");
    out.println("  curl -s " + base + "/openapi.yaml");
    out.println();
    out.println("Client (@kivyx-ota/client-react-native), pinning this demo's key:");
    out.println("  import { configure } from '@kivyx-ota/client-react-native';");
    out.println("  configure({");
    out.println("    serverUrl: '" + base + "/',   // dynamic mode; or cdnBase: '" + base + "/' for static mode");
    out.println("    appId: '" + APP + "', platform: '" + PLATFORM.id() + "', channel: '" + CHANNEL + "', runtimeVersion: '" + RUNTIME + "',");
    out.println("    deviceId,   // stable per install");
    out.println("    publicKeys: { '" + signer.kid() + "': { rawPubHex: '" + keyHex + "' } },");
    out.println("  });");
    out.println();
    out.println("Pinned key: {\"kid\":\"" + signer.kid() + "\",\"publicKeyHex\":\"" + keyHex + "\"}");
    out.println("Publish more with: ./kivyx-ota publish --store " + dir.resolve("store") + " --key " + dir.resolve("keys").resolve(KID + ".key.pem")
        + " --kid " + KID + " --app " + APP + " --platform " + PLATFORM.id() + " --channel " + CHANNEL + " --runtime-version " + RUNTIME
        + " --version 1.0.3 --version-code 3 --bundle BUNDLE");
    String dashboardUrl = "http://" + host + ":" + dashboardActualPort + "/";
    out.println("Dashboard: " + dashboardUrl);
    out.println("  why device-1 gets " + second.manifest().releaseId() + ": " + dashboardUrl + "apps/" + APP + "/" + PLATFORM.id() + "/" + CHANNEL
        + "/explain?deviceId=device-1&runtimeVersion=" + RUNTIME);
    out.println("Ctrl-C stops the server and the dashboard.");
    out.flush();
  }
}
