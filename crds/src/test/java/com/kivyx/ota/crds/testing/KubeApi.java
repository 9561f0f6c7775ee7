package com.kivyx.ota.crds.testing;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real kube-apiserver + etcd (built by {@code scripts/build-kube-binaries}) started for the
 * tests, with the chart's CRDs installed. Never downloads anything: offline mode.
 */
public final class KubeApi implements AutoCloseable {
  public static final String VERSION = "1.33.13";

  private final KubeAPIServer server;
  public final KubernetesClient client;

  public KubeApi() throws Exception {
    Path cache = Path.of(System.getenv().getOrDefault("KIVYX_KUBE_CACHE", System.getProperty("user.home") + "/.cache/kivyx-ota/kube"));
    Path binaries = cache.resolve("k8s").resolve(VERSION + "-linux-" + arch());
    if (!Files.isExecutable(binaries.resolve("kube-apiserver")) || !Files.isExecutable(binaries.resolve("etcd"))) {
      throw new IllegalStateException("no kube-apiserver/etcd in " + binaries + "; run scripts/build-kube-binaries first");
    }
    server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withTestDir(cache.toString())
        .withApiServerVersion(VERSION)
        .withOfflineMode(true)
        .withUpdateKubeConfig(false)
        .withStartupTimeout(120_000)
        .withApiServerFlag("--bind-address", "127.0.0.1")
        .build());
    // Without this, a test JVM that is killed leaves etcd and the API server running.
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "kube-api-test-stop"));
    server.start();
    client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(server.getKubeConfigYaml())).build();
    installCrds();
  }

  /** A kubeconfig for this API server (admin, system:masters), for tools run as child processes. */
  public String kubeConfigYaml() {
    return server.getKubeConfigYaml();
  }

  private void installCrds() throws Exception {
    Path crds = Path.of(System.getProperty("kivyx.repo.dir", "..")).resolve("helm/kivyx-ota/crds");
    try (var files = Files.list(crds)) {
      for (Path file : files.sorted().toList()) {
        try (InputStream in = new FileInputStream(file.toFile())) {
          CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
          client.resource(crd).serverSideApply();
          client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
              .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null && c.getStatus().getConditions().stream()
                  .anyMatch(cond -> cond.getType().equals("Established") && cond.getStatus().equals("True")), 60, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static String arch() {
    String arch = System.getProperty("os.arch");
    return arch.equals("aarch64") ? "arm64" : "amd64";
  }

  @Override
  public void close() {
    client.close();
    server.stop();
  }
}
