package com.kivyx.ota.operator.bench;

import com.kivyx.ota.crds.Channel;
import com.kivyx.ota.crds.ChannelSpec;
import com.kivyx.ota.crds.ChannelStatus;
import com.kivyx.ota.crds.FileSourceSpec;
import com.kivyx.ota.crds.Release;
import com.kivyx.ota.crds.ReleaseSpec;
import com.kivyx.ota.crds.Rollout;
import com.kivyx.ota.crds.RolloutSpec;
import com.kivyx.ota.crds.RolloutStatus;
import com.kivyx.ota.crds.testing.KubeApi;
import com.kivyx.ota.operator.KivyxOperator;
import com.kivyx.ota.operator.OperatorSettings;
import com.kivyx.ota.signing.PemKeys;
import com.kivyx.ota.store.Sha256;
import com.kivyx.ota.testing.S3TestServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator at scale on a real kube-apiserver + etcd and s3proxy: N apps × 2 platforms, 10
 * Releases per app and platform, 5 Rollouts per app (each paused at 10%). Prints the time to
 * converge from nothing, after a restart, and after one change, with the API requests the API
 * server counted meanwhile ({@code apiserver_request_total}) and the heap. Not a test: run it
 * with {@code scripts/bench-operator [--apps N]}.
 */
public final class OperatorScaleBench {
  private static final String NS = "scale";
  private static final int RELEASES_PER_PLATFORM = 10;
  private static final Duration LIMIT = Duration.ofMinutes(20);
  private static final Pattern REQUESTS = Pattern.compile("^apiserver_request_total\\{([^}]*)\\} ([0-9.e+]+)$", Pattern.MULTILINE);

  private final KubeApi kube;
  private final S3TestServer s3;
  private final int apps;
  private final Path work;

  private OperatorScaleBench(KubeApi kube, S3TestServer s3, int apps, Path work) {
    this.kube = kube;
    this.s3 = s3;
    this.apps = apps;
    this.work = work;
  }

  public static void main(String[] args) {
    int status = 0;
    try {
      int apps = args.length == 2 && args[0].equals("--apps") ? Integer.parseInt(args[1]) : 100;
      Path work = Files.createTempDirectory("kivyx-ota-scale-");
      try (KubeApi kube = new KubeApi(); S3TestServer s3 = new S3TestServer(work.resolve("s3"))) {
        new OperatorScaleBench(kube, s3, apps, work).run();
      }
    } catch (Throwable e) {
      e.printStackTrace();
      status = 1;
    }
    System.exit(status); // s3proxy and informer threads are not daemons
  }

  private void run() throws Exception {
    System.out.printf("scale: %d apps x 2 platforms, %d Releases, %d Rollouts, %d Channels%n",
        apps, apps * 2 * RELEASES_PER_PLATFORM, apps * 5, apps);
    createResources();
    long heapBefore = usedHeapAfterGc();

    System.out.println("| case | seconds | API requests | requests per resource |");
    System.out.println("|---|---|---|---|");
    long requests = apiRequests();
    long start = System.nanoTime();
    try (KivyxOperator operator = startOperator("first")) {
      await("every Release published, every Rollout paused, every Channel indexed", this::allConverged);
      report(row("first convergence (publish everything)", start, requests));
      long heap = usedHeapAfterGc() - heapBefore;

      requests = apiRequests();
      start = System.nanoTime();
      Rollout one = kube.client.resources(Rollout.class).inNamespace(NS).withName("app-0-android-r10").get();
      long versionBefore = indexVersion("app-0", "android");
      kube.client.resources(Rollout.class).inNamespace(NS).withName(one.getMetadata().getName())
          .edit(r -> {
            r.getMetadata().getAnnotations().put(Rollout.PROMOTE_ANNOTATION, Integer.toString(one.getStatus().currentStep()));
            return r;
          });
      await("the promoted Rollout's Channel re-indexed", () -> indexVersion("app-0", "android") > versionBefore);
      report(row("one change (promote one Rollout)", start, requests));
      System.out.printf("heap of the operator's caches after convergence: %.1f MB (used heap after GC, minus before start)%n", heap / 1e6);
    }

    requests = apiRequests();
    start = System.nanoTime();
    try (KivyxOperator operator = startOperator("restart")) {
      // Nothing is left to change: converged once every resource was reconciled once more.
      await("every resource reconciled after the restart", () -> reconciledAtLeastOnce(operator));
      report(row("cold start (restart, nothing to change)", start, requests));
    }

  }

  private void report(String[] row) {
    int resources = apps * 2 * RELEASES_PER_PLATFORM + apps * 5 + apps;
    System.out.printf("| %s | %s | %s | %.2f |%n", row[0], row[1], row[2], Long.parseLong(row[2]) / (double) resources);
  }

  private void createResources() throws Exception {
    KubernetesClient client = kube.client;
    client.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    String keyPem = PemKeys.privateKeyPem((ECPrivateKey) generator.generateKeyPair().getPrivate());
    client.resource(new SecretBuilder().withNewMetadata().withName("ota-signing").withNamespace(NS).endMetadata()
        .addToStringData("key.pem", keyPem).build()).create();
    client.resource(new SecretBuilder().withNewMetadata().withName("s3-credentials").withNamespace(NS).endMetadata()
        .addToStringData("AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY).addToStringData("AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY).build()).create();
    List<FileSourceSpec> bundles = new ArrayList<>();
    for (int v = 1; v <= RELEASES_PER_PLATFORM; v++) {
      byte[] bundle = ("globalThis.release = " + v + ";\n").repeat(200).getBytes(StandardCharsets.UTF_8);
      s3.put("sources/bundle-" + v + ".js", bundle);
      bundles.add(new FileSourceSpec("index.bundle", "s3://" + S3TestServer.BUCKET + "/sources/bundle-" + v + ".js", Sha256.hex(bundle), (long) bundle.length, null));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> created = new ArrayList<>();
    for (int a = 0; a < apps; a++) {
      String app = "app-" + a;
      created.add(pool.submit(() -> {
        Channel channel = new Channel();
        channel.setMetadata(new ObjectMetaBuilder().withName(app).withNamespace(NS).build());
        channel.setSpec(new ChannelSpec("com.example." + app.replace("-", ""), "production",
            List.of(ReleaseSpec.Platform.android, ReleaseSpec.Platform.ios),
            new ChannelSpec.SigningKey(new ChannelSpec.SecretKeyRef("ota-signing", null), null, null, null, null),
            new ChannelSpec.Store(new ChannelSpec.S3(S3TestServer.BUCKET, "store", "us-east-1", s3.endpoint().toString(), true, "s3-credentials"), null),
            "24h"));
        client.resource(channel).create();
        for (ReleaseSpec.Platform platform : ReleaseSpec.Platform.values()) {
          for (int v = 1; v <= RELEASES_PER_PLATFORM; v++) {
            Release release = new Release();
            release.setMetadata(new ObjectMetaBuilder().withName(app + "-" + platform + "-r" + v).withNamespace(NS).build());
            release.setSpec(new ReleaseSpec(app, channel.getSpec().appId(), platform, "1.0." + v, (long) v, "1.0.0", bundles.get(v - 1), List.of(), null));
            client.resource(release).create();
          }
        }
        for (String named : List.of("android-r8", "android-r9", "android-r10", "ios-r9", "ios-r10")) {
          Rollout rollout = new Rollout();
          rollout.setMetadata(new ObjectMetaBuilder().withName(app + "-" + named).withNamespace(NS).withAnnotations(new java.util.HashMap<>()).build());
          rollout.setSpec(new RolloutSpec(app, app + "-" + named, null, null,
              List.of(new RolloutSpec.Step(10, null), new RolloutSpec.Step(null, new RolloutSpec.Pause(null))), null));
          client.resource(rollout).create();
        }
        return null;
      }));
    }
    for (Future<?> f : created) {
      f.get();
    }
    pool.shutdown();
  }

  private KivyxOperator startOperator(String name) throws Exception {
    KubernetesClient client = new KubernetesClientBuilder().withConfig(kube.client.getConfiguration()).build();
    KivyxOperator operator = new KivyxOperator(client,
        new OperatorSettings(Optional.empty(), 0, Files.createDirectories(work.resolve("work-" + name)), false),
        Map.of("AWS_REGION", "us-east-1"), Clock.systemUTC());
    operator.start();
    return operator;
  }

  private boolean allConverged() {
    KubernetesClient client = kube.client;
    boolean releases = client.resources(Release.class).inNamespace(NS).list().getItems().stream()
        .allMatch(r -> r.getStatus() != null && r.getStatus().isPublished());
    boolean rollouts = client.resources(Rollout.class).inNamespace(NS).list().getItems().stream()
        .allMatch(r -> r.getStatus() != null && RolloutStatus.PAUSED.equals(r.getStatus().phase()));
    boolean channels = client.resources(Channel.class).inNamespace(NS).list().getItems().stream()
        .allMatch(c -> c.getStatus() != null && c.getStatus().platforms() != null && c.getStatus().platforms().stream()
            .mapToInt(ChannelStatus.PlatformIndex::releases).sum() == 5);
    return releases && rollouts && channels;
  }

  private long indexVersion(String channel, String platform) {
    ChannelStatus status = kube.client.resources(Channel.class).inNamespace(NS).withName(channel).get().getStatus();
    return status.platforms().stream().filter(p -> p.platform().equals(platform)).findFirst().orElseThrow().indexVersion();
  }

  private boolean reconciledAtLeastOnce(KivyxOperator operator) {
    String metrics = scrape(operator.healthPort());
    return successes(metrics, "release") >= apps * 2L * RELEASES_PER_PLATFORM
        && successes(metrics, "rollout") >= apps * 5L
        && successes(metrics, "channel") >= apps;
  }

  private static long successes(String metrics, String controller) {
    Matcher m = Pattern.compile("^operator_sdk_controllers_execution_reconcile_success_total\\{controller=\"" + controller + "\"[^}]*\\} ([0-9.e+E]+)$", Pattern.MULTILINE)
        .matcher(metrics);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  private static String scrape(int port) {
    try {
      var http = java.net.http.HttpClient.newHttpClient();
      return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      return "";
    }
  }

  /** Requests the API server served for resources (not /metrics itself), summed over every label. */
  private long apiRequests() {
    return (long) requestsByVerbAndResource().values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /** {@code apiserver_request_total} summed by "VERB resource[/subresource]". */
  private Map<String, Double> requestsByVerbAndResource() {
    Matcher m = REQUESTS.matcher(kube.client.raw("/metrics"));
    Map<String, Double> byKind = new java.util.TreeMap<>();
    while (m.find()) {
      String labels = m.group(1);
      String resource = label(labels, "resource");
      if (resource.isEmpty()) {
        continue; // non-resource URLs: /metrics, /healthz
      }
      String sub = label(labels, "subresource");
      byKind.merge(label(labels, "verb") + " " + resource + (sub.isEmpty() ? "" : "/" + sub), Double.parseDouble(m.group(2)), Double::sum);
    }
    return byKind;
  }

  private static String label(String labels, String name) {
    Matcher m = Pattern.compile("(?:^|,)" + name + "=\"([^\"]*)\"").matcher(labels);
    return m.find() ? m.group(1) : "";
  }

  private String[] row(String name, long startNanos, long requestsBefore) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    Map<String, Double> now = requestsByVerbAndResource();
    System.err.println(name + ": requests by kind so far " + now);
    // The bench's own polling LISTs are in the count too; it polls every 250 ms.
    return new String[] {name, String.format("%.2f", seconds), Long.toString(apiRequests() - requestsBefore)};
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    long end = System.nanoTime() + LIMIT.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("not converged within " + LIMIT + ": " + what);
      }
      Thread.sleep(250);
    }
  }

  private static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
