package com.kivyx.ota.operator;

import com.kivyx.ota.testing.Eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.crds.testing.KubeApi;
import com.kivyx.ota.crds.Channel;
import com.kivyx.ota.crds.ChannelStatus;
import com.kivyx.ota.crds.Release;
import com.kivyx.ota.crds.ReleaseStatus;
import com.kivyx.ota.crds.Rollout;
import com.kivyx.ota.crds.RolloutStatus;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.publish.StoreVerifier;
import com.kivyx.ota.publish.VerificationReport;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.signing.PemKeys;
import com.kivyx.ota.store.Sha256;
import com.kivyx.ota.store.S3Store;
import com.kivyx.ota.testing.S3TestServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The Helm chart {@code helm/kivyx-ota} with a real Helm binary ({@code scripts/get-helm}):
 * lint and template with default and full values, schema failures, the RBAC no broader than
 * listed; then the rendered manifests applied to a real kube-apiserver (RBAC enforced) and the
 * operator run as the chart's ServiceAccount (impersonation) through the examples' full loop.
 *
 * <p>Lives in the operator module because it runs the operator in-process and reuses its
 * kube-apiserver fixture, the CRDs and the core test-jar's S3 server.
 */
class HelmChartIT {
  static final String RELEASE_NS = "ota-system";
  /** fullnameOverride and watchNamespaces of ci/full-values.yaml. */
  static final String FULL_NAME = "kivyx-ota";
  static final List<String> WATCHED = List.of("ota-apps", "ota-apps-2");
  static final String CLUSTER_NS = "ota-cluster";
  static final String CLUSTER_RELEASE = "cw";

  private static final Helm helm = new Helm();
  @TempDir static Path dir;
  private static KubeApi kube;
  private static S3TestServer s3;

  @BeforeAll
  static void startServers() throws Exception {
    kube = new KubeApi();
    s3 = new S3TestServer(dir.resolve("s3"));
  }

  @AfterAll
  static void stopServers() throws Exception {
    if (s3 != null) {
      s3.close();
    }
    if (kube != null) {
      kube.close();
    }
  }

  // ---------------------------------------------------------------- helm lint / template / schema

  @Test
  void lintsAndRendersWithDefaultAndFullValues() throws Exception {
    Helm.Result lint = helm.run("lint", "--strict", Helm.CHART.toString());
    assertThat(lint.ok()).as(lint.output()).isTrue();
    Helm.Result lintFull = helm.run("lint", "--strict", Helm.CHART.toString(), "-f", Helm.FULL_VALUES.toString());
    assertThat(lintFull.ok()).as(lintFull.output()).isTrue();

    List<HasMetadata> defaults = Helm.objects(helm.template("kivyx-ota", RELEASE_NS));
    assertThat(kinds(defaults)).containsOnlyKeys("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
        "Deployment", "Service", "PodDisruptionBudget");
    Deployment operator = deployment(defaults, "kivyx-ota-operator");
    assertThat(operator.getSpec().getReplicas()).isEqualTo(2);
    assertHardened(operator);
    Container c = operator.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getArgs()).startsWith("operator").contains("--health-port=8081").noneMatch(a -> a.startsWith("--watch-namespaces") || a.startsWith("--prometheus-url"));
    assertThat(c.getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("POD_NAMESPACE");
      assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
    });
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");

    List<HasMetadata> full = Helm.objects(helm.template(FULL_NAME, RELEASE_NS, "-f", Helm.FULL_VALUES.toString()));
    assertThat(kinds(full)).containsOnlyKeys("ServiceAccount", "Role", "RoleBinding", "Deployment", "Service", "PodDisruptionBudget",
        "ConfigMap", "HorizontalPodAutoscaler", "NetworkPolicy", "ServiceMonitor");
    Deployment server = deployment(full, "kivyx-ota-server");
    assertHardened(server);
    assertHardened(deployment(full, "kivyx-ota-operator"));
    Container s = server.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(s.getArgs()).startsWith("serve").contains("--store=s3://ota-bucket/ota", "--host=0.0.0.0", "--port=8080",
        "--pubkey=alias/kivyx-ota-prod-v1=/etc/kivyx-ota/public-keys/key-0.pub.pem", "--pubkey=prod-v2=/etc/kivyx-ota/public-keys/key-1.pub.pem");
    assertThat(server.getSpec().getReplicas()).as("the HPA owns replicas").isNull();
    assertThat(deployment(full, "kivyx-ota-operator").getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .contains("--watch-namespaces=ota-apps,ota-apps-2", "--no-deltas", "--prometheus-url=http://prometheus-operated.monitoring:9090");
    Deployment dashboard = deployment(full, "kivyx-ota-dashboard");
    assertHardened(dashboard);
    Container d = dashboard.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(d.getArgs()).startsWith("dashboard").contains("--store=s3://ota-bucket/ota", "--s3-endpoint=https://s3.example.com", "--s3-path-style",
        "--pubkey=prod-v2=/etc/kivyx-ota/public-keys/key-1.pub.pem", "--kubernetes", "--namespace=ota-apps,ota-apps-2", "--actions=token",
        "--device-server-url=https://ota.example.com", "--prometheus-url=http://prometheus-operated.monitoring:9090"); // the operator's, by default
    assertThat(d.getArgs()).noneMatch(a -> a.startsWith("--user-header") || a.startsWith("--groups-header"));
    Container impersonating = deployment(Helm.objects(helm.template(FULL_NAME, RELEASE_NS, "-f", Helm.FULL_VALUES.toString(),
        "--set", "dashboard.actions=impersonate", "--set", "dashboard.proxyHeaders.user=X-Remote-User")), "kivyx-ota-dashboard")
        .getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(impersonating.getArgs()).contains("--actions=impersonate", "--user-header=X-Remote-User", "--groups-header=X-Forwarded-Groups");
    assertThat(d.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(dashboard.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("kivyx-ota-dashboard");
    assertThat(Helm.objects(helm.template("kivyx-ota", RELEASE_NS)).stream().map(o -> o.getMetadata().getName()))
        .as("off by default").noneMatch(n -> n.contains("dashboard"));
  }

  @Test
  void badValuesFailAtTemplateTime() throws Exception {
    assertFails("replicas as text", "operator.replicas: Invalid type", "--set-string", "operator.replicas=two");
    assertFails("an unknown top-level key", "Additional property replicas is not allowed", "--set", "replicas=3");
    assertFails("an unknown nested key", "Additional property secretName is not allowed", "--set", "operator.secretName=x");
    assertFails("a bad pull policy", "image.pullPolicy", "--set", "image.pullPolicy=Sometimes");
    assertFails("a wildcard Secret name", "operator.secretNames.0", "--set", "operator.secretNames[0]=*");
    assertFails("a server without a store", "server.store is required", "--set", "server.enabled=true");
    assertFails("a server without keys", "server.publicKeys needs at least one", "--set", "server.enabled=true", "--set", "server.store=s3://b/p");
    assertFails("two operators without a Lease", "needs operator.leaderElection.enabled", "--set", "operator.leaderElection.enabled=false");
    assertFails("a dashboard without a store", "dashboard.store (or server.store) is required", "--set", "dashboard.enabled=true");
    assertFails("a dashboard that writes as itself", "dashboard.actions", "--set", "dashboard.actions=kubeconfig");
    assertFails("a header name with a space", "dashboard.proxyHeaders.user", "--set", "dashboard.enabled=true", "--set", "dashboard.actions=impersonate",
        "--set", "dashboard.proxyHeaders.user=X User");
    assertFails("a Prometheus URL that is not http(s)", "operator.prometheusUrl", "--set", "operator.prometheusUrl=prometheus:9090");
  }

  private static void assertFails(String what, String message, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("template", "x", Helm.CHART.toString()));
    all.addAll(List.of(args));
    Helm.Result result = helm.run(all.toArray(String[]::new));
    assertThat(result.ok()).as(what + " must fail:\n" + result.output()).isFalse();
    assertThat(result.output()).as(what).contains(message);
  }

  @Test
  void rbacIsNoBroaderThanListed() throws Exception {
    for (List<HasMetadata> objects : List.of(
        Helm.objects(helm.template("kivyx-ota", RELEASE_NS, "--set", "server.enabled=true", "--set", "server.store=s3://b/p",
            "--set", "server.publicKeys[0].kid=k", "--set", "server.publicKeys[0].pem=-----BEGIN PUBLIC KEY-----")),
        Helm.objects(helm.template(FULL_NAME, RELEASE_NS, "-f", Helm.FULL_VALUES.toString())),
        Helm.objects(helm.template(FULL_NAME, RELEASE_NS, "-f", Helm.FULL_VALUES.toString(), "--set", "dashboard.actions=impersonate")))) {
      Map<String, List<PolicyRule>> roles = new LinkedHashMap<>();
      for (HasMetadata o : objects) {
        if (o instanceof ClusterRole cr) {
          roles.put("ClusterRole/" + cr.getMetadata().getName(), cr.getRules());
        } else if (o instanceof Role r) {
          roles.put("Role/" + r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(), r.getRules());
        }
      }
      assertThat(roles).isNotEmpty();
      boolean impersonating = objects.stream().anyMatch(o -> o instanceof Deployment d && d.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()
          .contains("--actions=impersonate"));
      assertThat(roles.keySet().stream().anyMatch(n -> n.endsWith("-dashboard-impersonate")))
          .as("subjectaccessreviews and impersonate only with dashboard.actions=impersonate").isEqualTo(impersonating);
      Set<String> operatorAllowed = Set.of("ota.kivyx.com/releases", "ota.kivyx.com/channels", "ota.kivyx.com/rollouts",
          "ota.kivyx.com/releases/status", "ota.kivyx.com/channels/status", "ota.kivyx.com/rollouts/status", "/events", "/secrets",
          "coordination.k8s.io/leases");
      Map<String, Set<String>> maxVerbs = Map.of(
          "releases", Set.of("get", "list", "watch", "patch", "update"),
          "releases/status", Set.of("get", "patch", "update"),
          "events", Set.of("create", "patch"),
          "secrets", Set.of("get"),
          "leases", Set.of("get", "create", "update", "patch"));
      roles.forEach((name, rules) -> {
        for (PolicyRule rule : rules) {
          String where = name + " " + rule;
          assertThat(rule.getNonResourceURLs()).as(where).isEmpty();
          assertThat(rule.getApiGroups()).as(where).isNotEmpty().doesNotContain("*");
          assertThat(rule.getResources()).as(where).isNotEmpty().noneMatch(r -> r.contains("*"));
          assertThat(rule.getVerbs()).as(where).isNotEmpty().doesNotContain("*");
          assertThat(rule.getResourceNames()).as(where).doesNotContain("*");
          for (String group : rule.getApiGroups()) {
            for (String resource : rule.getResources()) {
              String gr = group + "/" + resource;
              if (name.endsWith("-dashboard-impersonate")) {
                // only with dashboard.actions=impersonate: ask a SubjectAccessReview, then act as the person
                assertThat(name).as(where).startsWith("ClusterRole/");
                assertThat(gr).as(where).isIn("authorization.k8s.io/subjectaccessreviews", "/users", "/groups");
                assertThat(rule.getVerbs()).as(where).containsExactly(resource.equals("subjectaccessreviews") ? "create" : "impersonate");
                continue;
              }
              if (name.contains("-dashboard")) {
                // it only reads; its buttons PATCH with the user's own token
                assertThat(gr).as(where).isIn("ota.kivyx.com/rollouts", "ota.kivyx.com/channels", "/events");
                assertThat(Set.of("get", "list", "watch")).as(where).containsAll(rule.getVerbs());
                continue;
              }
              if (name.contains("-server")) {
                assertThat(gr).as(where).isEqualTo("ota.kivyx.com/channels");
                assertThat(rule.getVerbs()).as(where).containsExactlyInAnyOrder("get", "list", "watch");
                continue;
              }
              assertThat(gr).as(where).isIn(operatorAllowed);
              String key = resource.startsWith("releases") || resource.startsWith("channels") || resource.startsWith("rollouts")
                  ? resource.replaceFirst("^(channels|rollouts)", "releases") : resource;
              assertThat(maxVerbs.get(key)).as(where).containsAll(rule.getVerbs());
              if (resource.equals("secrets")) {
                assertThat(rule.getResourceNames()).as("Secrets only by name: " + where).isNotEmpty();
                assertThat(rule.getVerbs()).as(where).containsExactly("get");
              }
              if (resource.equals("leases")) {
                assertThat(name).as("leases only in a Role in the release namespace: " + where).startsWith("Role/" + RELEASE_NS + "/");
                if (!rule.getVerbs().equals(List.of("create"))) {
                  assertThat(rule.getResourceNames()).as(where).containsExactly(OperatorSettings.LeaderElection.LEASE_NAME);
                }
              }
            }
          }
        }
      });
    }
  }

  // ---------------------------------------------------------------- on a real API server

  @Test
  void everyRenderedObjectIsAccepted() throws Exception {
    installServiceMonitorCrd();
    List<HasMetadata> full = Helm.objects(helm.template(FULL_NAME, RELEASE_NS, "-f", Helm.FULL_VALUES.toString()));
    apply(full, RELEASE_NS, WATCHED);
    List<HasMetadata> defaults = Helm.objects(helm.template(CLUSTER_RELEASE, CLUSTER_NS,
        "--set", "operator.secretNames={ota-signing,s3-credentials}"));
    apply(defaults, CLUSTER_NS, List.of("ota-cluster-apps"));
    for (HasMetadata o : concat(full, defaults)) {
      HasMetadata stored = o instanceof GenericKubernetesResource ? kube.client.genericKubernetesResources(o.getApiVersion(), o.getKind())
          .inNamespace(o.getMetadata().getNamespace()).withName(o.getMetadata().getName()).get() : kube.client.resource(o).get();
      assertThat(stored).as(o.getKind() + " " + o.getMetadata().getName()).isNotNull();
    }
  }

  /** A real {@code helm install} into the API server: CRDs already there, every object created, NOTES tell the next step. */
  @Test
  void helmInstallsTheChartAndPrintsTheNextStep() throws Exception {
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, kube.kubeConfigYaml());
    Helm.Result install = helm.run("install", "kivyx-ota", Helm.CHART.toString(), "--namespace", "ota-helm", "--create-namespace",
        "--kubeconfig", kubeconfig.toString());
    assertThat(install.ok()).as(install.output()).isTrue();
    assertThat(install.output()).contains("STATUS: deployed", "kubectl -n ota-demo apply -f examples/",
        "kubectl -n ota-demo create secret generic ota-signing", "kubectl -n ota-demo get channels,releases,rollouts");
    assertThat(kube.client.apps().deployments().inNamespace("ota-helm").withName("kivyx-ota-operator").get()).isNotNull();
    assertThat(kube.client.rbac().clusterRoles().withName("kivyx-ota-operator").get()).isNotNull();
    Helm.Result uninstall = helm.run("uninstall", "kivyx-ota", "--namespace", "ota-helm", "--kubeconfig", kubeconfig.toString());
    assertThat(uninstall.ok()).as(uninstall.output()).isTrue();
    assertThat(kube.client.rbac().clusterRoles().withName("kivyx-ota-operator").get()).isNull();
  }

  /** Namespaced mode (ci/full-values.yaml): a Role in each watched namespace, the operator limited to them. */
  @Test
  void theOperatorAsTheChartsServiceAccountCompletesTheExamplesLoop() throws Exception {
    installServiceMonitorCrd();
    List<HasMetadata> full = Helm.objects(helm.template(FULL_NAME, RELEASE_NS, "-f", Helm.FULL_VALUES.toString()));
    apply(full, RELEASE_NS, WATCHED);
    runLoop(full, RELEASE_NS, "ota-apps");
    assertNotBroader(full, RELEASE_NS, "ota-apps");
    // Not watched, so not readable: the operator's rights end at the listed namespaces.
    assertThat(allowed(sa(full, RELEASE_NS, "operator"), "list", "ota.kivyx.com", "releases", "default", null)).isFalse();
  }

  /** Cluster mode (default values): ClusterRoles; Secrets still only by name. */
  @Test
  void theOperatorWithDefaultValuesCompletesTheExamplesLoop() throws Exception {
    List<HasMetadata> defaults = Helm.objects(helm.template(CLUSTER_RELEASE, CLUSTER_NS,
        "--set", "operator.secretNames={ota-signing,s3-credentials}",
        "--set", "server.enabled=true", "--set", "server.store=s3://b/p",
        "--set", "server.publicKeys[0].kid=k", "--set", "server.publicKeys[0].pem=-----BEGIN PUBLIC KEY-----"));
    apply(defaults, CLUSTER_NS, List.of("ota-cluster-apps"));
    runLoop(defaults, CLUSTER_NS, "ota-cluster-apps");
    assertNotBroader(defaults, CLUSTER_NS, "ota-cluster-apps");
  }

  // ---------------------------------------------------------------- the loop

  private static void runLoop(List<HasMetadata> rendered, String releaseNs, String appNs) throws Exception {
    String operatorSa = sa(rendered, releaseNs, "operator");
    Container container = deploymentOf(rendered, "operator").getSpec().getTemplate().getSpec().getContainers().get(0);
    Set<String> watch = container.getArgs().stream().filter(a -> a.startsWith("--watch-namespaces="))
        .flatMap(a -> Arrays.stream(a.substring(a.indexOf('=') + 1).split(","))).collect(Collectors.toSet());
    boolean election = container.getEnv().stream().anyMatch(e -> e.getName().equals("POD_NAMESPACE"));
    assertThat(election).isTrue();

    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    ECPrivateKey key = (ECPrivateKey) generator.generateKeyPair().getPrivate();
    LocalKeySigner signer = new LocalKeySigner("prod-v1", key);
    KubernetesClient admin = kube.client;
    admin.resource(new SecretBuilder().withNewMetadata().withName("ota-signing").withNamespace(appNs).endMetadata()
        .addToStringData("key.pem", PemKeys.privateKeyPem(key)).build()).create();
    admin.resource(new SecretBuilder().withNewMetadata().withName("s3-credentials").withNamespace(appNs).endMetadata()
        .addToStringData("AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY).addToStringData("AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY).build()).create();
    admin.resource(new SecretBuilder().withNewMetadata().withName("not-listed").withNamespace(appNs).endMetadata()
        .addToStringData("key.pem", PemKeys.privateKeyPem(key)).build()).create();

    // The examples, as they are, with the store and bundle URLs pointed at the S3 server.
    String prefix = appNs + "/ota";
    Channel channel = example("channel.yaml", Channel.class);
    channel.getMetadata().setNamespace(appNs);
    Map<String, Object> s3Store = new LinkedHashMap<>(Map.of("bucket", S3TestServer.BUCKET, "prefix", prefix, "region", "us-east-1",
        "endpoint", s3.endpoint().toString(), "pathStyle", true, "credentialsSecret", "s3-credentials"));
    Channel onS3 = withStore(channel, s3Store);
    Channel forbidden = withStore(channel, s3Store);
    forbidden.getMetadata().setName("forbidden");
    Map<String, Object> forbiddenSpec = asMap(forbidden.getSpec());
    forbiddenSpec.put("signingKey", Map.of("secretRef", Map.of("name", "not-listed"), "kid", "x"));
    forbidden.setSpec(kube.client.getKubernetesSerialization().convertValue(forbiddenSpec, com.kivyx.ota.crds.ChannelSpec.class));
    admin.resource(onS3).create();
    admin.resource(forbidden).create();
    List<String> releases = List.of("release-1-0-0.yaml", "release-1-0-1.yaml");
    for (int i = 0; i < releases.size(); i++) {
      Release release = example(releases.get(i), Release.class);
      release.getMetadata().setNamespace(appNs);
      Map<String, Object> spec = asMap(release.getSpec());
      spec.put("bundle", upload(appNs, release.getMetadata().getName() + ".bundle", 30_000 + i, i, "index.android.bundle"));
      if (spec.get("assets") != null) {
        List<Object> assets = new ArrayList<>();
        for (Object asset : (List<?>) spec.get("assets")) {
          Map<?, ?> a = (Map<?, ?>) asset;
          Map<String, Object> uploaded = upload(appNs, release.getMetadata().getName() + "-" + a.get("path"), 2048, 100 + i, (String) a.get("path"));
          uploaded.put("contentType", a.get("contentType"));
          assets.add(uploaded);
        }
        spec.put("assets", assets);
      }
      release.setSpec(kube.client.getKubernetesSerialization().convertValue(spec, com.kivyx.ota.crds.ReleaseSpec.class));
      admin.resource(release).create();
    }
    Rollout rollout = example("rollout.yaml", Rollout.class);
    rollout.getMetadata().setNamespace(appNs);
    Map<String, Object> rolloutSpec = asMap(rollout.getSpec());
    rolloutSpec.put("steps", List.of(Map.of("setWeight", 10), Map.of("pause", Map.of("duration", "1s")), Map.of("setWeight", 50)));
    rollout.setSpec(kube.client.getKubernetesSerialization().convertValue(rolloutSpec, com.kivyx.ota.crds.RolloutSpec.class));
    admin.resource(rollout).create();

    // The operator, in-process, as the chart's ServiceAccount, with the Deployment's settings.
    Config config = new ConfigBuilder(admin.getConfiguration())
        .withImpersonateUsername(operatorSa)
        .withImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:" + releaseNs, "system:authenticated")
        .build();
    try (KubernetesClient asOperator = new KubernetesClientBuilder().withConfig(config).build();
        KivyxOperator operator = new KivyxOperator(asOperator,
            new OperatorSettings(Optional.of(new OperatorSettings.LeaderElection(releaseNs, appNs + "-pod-0", Duration.ofSeconds(4), false)),
                0, dir.resolve("work-" + appNs), true, watch),
            Map.of("AWS_REGION", "us-east-1"), Clock.systemUTC())) {
      // Proves impersonation is in force: the same client is refused what the chart does not grant.
      SelfSubjectAccessReview self = asOperator.resource(new SelfSubjectAccessReviewBuilder().withNewSpec()
          .withResourceAttributes(new ResourceAttributesBuilder().withVerb("list").withResource("secrets").withNamespace(appNs).build())
          .endSpec().build()).create();
      assertThat(self.getStatus().getAllowed()).as("the operator ServiceAccount must not list Secrets").isFalse();

      operator.start();
      await("the Lease held by the operator", () -> {
        Lease lease = admin.leases().inNamespace(releaseNs).withName(OperatorSettings.LeaderElection.LEASE_NAME).get();
        return lease != null && (appNs + "-pod-0").equals(lease.getSpec().getHolderIdentity());
      });
      // The leader renews the Lease (a failed renewal would make a real pod exit and restart).
      Lease first = admin.leases().inNamespace(releaseNs).withName(OperatorSettings.LeaderElection.LEASE_NAME).get();
      await("the Lease renewed", () -> {
        Lease lease = admin.leases().inNamespace(releaseNs).withName(OperatorSettings.LeaderElection.LEASE_NAME).get();
        return (appNs + "-pod-0").equals(lease.getSpec().getHolderIdentity())
            && lease.getSpec().getRenewTime().isAfter(first.getSpec().getRenewTime())
            && lease.getSpec().getLeaseTransitions().equals(first.getSpec().getLeaseTransitions());
      });
      for (String name : List.of("app-1-0-0", "app-1-0-1")) {
        await("Release " + name + " Published", () -> {
          Release r = admin.resources(Release.class).inNamespace(appNs).withName(name).get();
          return r.getStatus() != null && r.getStatus().isPublished();
        });
      }
      await("Rollout app-1-0-1 Completed", () -> {
        Rollout r = admin.resources(Rollout.class).inNamespace(appNs).withName("app-1-0-1").get();
        return r.getStatus() != null && RolloutStatus.COMPLETED.equals(r.getStatus().phase());
      });
      await("Channel production's index signed with app-1-0-1 at 100%", () -> {
        ChannelStatus st = admin.resources(Channel.class).inNamespace(appNs).withName("production").get().getStatus();
        return st != null && "index signed".equals(st.message()) && st.platforms().stream()
            .anyMatch(p -> p.platform().equals("android") && p.releases() == 1);
      });
      try (S3Store store = s3.store(prefix)) {
        VerificationReport report = new StoreVerifier(store, Map.of(signer.kid(), signer.publicKey()), Clock.systemUTC())
            .verify(new ChannelId("com.example.app", Platform.ANDROID, "production"));
        assertThat(report.problems()).isEmpty();
      }
      // Events were written (create on events is granted; EventRecorder only logs a refusal).
      await("Events on the Release", () -> admin.v1().events().inNamespace(appNs).list().getItems().stream()
          .anyMatch(e -> e.getReason().equals("Published") && e.getInvolvedObject().getName().equals("app-1-0-1")));
      // A Channel naming a Secret outside operator.secretNames is refused by RBAC, visibly.
      await("the Channel with an unlisted Secret fails as forbidden", () -> {
        ChannelStatus st = admin.resources(Channel.class).inNamespace(appNs).withName("forbidden").get().getStatus();
        return st != null && st.message() != null && st.message().contains("forbidden");
      });
      // The health endpoints the probes use answer.
      HttpClient http = HttpClient.newHttpClient();
      for (String path : List.of("/healthz", "/readyz", "/metrics")) {
        await(path + " answers 200", () -> {
          try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.healthPort() + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
          } catch (Exception e) {
            return false;
          }
        });
      }
    }
  }

  /** SubjectAccessReviews through the API server: what the chart's ServiceAccounts may not do. */
  private static void assertNotBroader(List<HasMetadata> rendered, String releaseNs, String appNs) {
    String op = sa(rendered, releaseNs, "operator");
    assertThat(allowed(op, "get", "", "secrets", appNs, "ota-signing")).isTrue();
    assertThat(allowed(op, "get", "", "secrets", appNs, "not-listed")).isFalse();
    assertThat(allowed(op, "list", "", "secrets", appNs, null)).isFalse();
    assertThat(allowed(op, "watch", "", "secrets", appNs, null)).isFalse();
    assertThat(allowed(op, "delete", "apps", "deployments", appNs, null)).isFalse();
    assertThat(allowed(op, "create", "", "pods", appNs, null)).isFalse();
    assertThat(allowed(op, "delete", "ota.kivyx.com", "releases", appNs, null)).isFalse();
    assertThat(allowed(op, "create", "ota.kivyx.com", "channels", appNs, null)).isFalse();
    assertThat(allowed(op, "patch", "ota.kivyx.com", "rollouts", appNs, null)).isTrue();
    assertThat(allowed(op, "patch", "ota.kivyx.com", "channels/status", appNs, null)).isTrue();
    assertThat(allowed(op, "update", "coordination.k8s.io", "leases", releaseNs, OperatorSettings.LeaderElection.LEASE_NAME)).isTrue();
    assertThat(allowed(op, "patch", "coordination.k8s.io", "leases", releaseNs, OperatorSettings.LeaderElection.LEASE_NAME)).isTrue();
    assertThat(allowed(op, "update", "coordination.k8s.io", "leases", releaseNs, "kube-controller-manager")).isFalse();
    assertThat(allowed(op, "delete", "coordination.k8s.io", "leases", releaseNs, OperatorSettings.LeaderElection.LEASE_NAME)).isFalse();
    assertThat(allowed(op, "get", "coordination.k8s.io", "leases", appNs, OperatorSettings.LeaderElection.LEASE_NAME)).isFalse();
    assertThat(allowed(op, "escalate", "rbac.authorization.k8s.io", "roles", appNs, null)).isFalse();
    String dashboard = sa(rendered, releaseNs, "dashboard");
    if (dashboard != null) {
      assertThat(allowed(dashboard, "watch", "ota.kivyx.com", "rollouts", appNs, null)).isTrue();
      assertThat(allowed(dashboard, "list", "", "events", appNs, null)).isTrue();
      assertThat(allowed(dashboard, "patch", "ota.kivyx.com", "rollouts", appNs, null)).isFalse();
      assertThat(allowed(dashboard, "update", "ota.kivyx.com", "rollouts/status", appNs, null)).isFalse();
      assertThat(allowed(dashboard, "get", "", "secrets", appNs, "ota-signing")).isFalse();
      assertThat(allowed(dashboard, "create", "", "events", appNs, null)).isFalse();
      assertThat(allowed(dashboard, "impersonate", "", "users", appNs, null)).as("impersonation only with dashboard.actions=impersonate").isFalse();
      assertThat(allowed(dashboard, "create", "authorization.k8s.io", "subjectaccessreviews", appNs, null)).isFalse();
    }
    String server = sa(rendered, releaseNs, "server");
    if (server != null) {
      assertThat(allowed(server, "list", "ota.kivyx.com", "channels", appNs, null)).isTrue();
      assertThat(allowed(server, "watch", "ota.kivyx.com", "channels", appNs, null)).isTrue();
      assertThat(allowed(server, "patch", "ota.kivyx.com", "channels", appNs, null)).isFalse();
      assertThat(allowed(server, "update", "ota.kivyx.com", "channels/status", appNs, null)).isFalse();
      assertThat(allowed(server, "get", "ota.kivyx.com", "releases", appNs, null)).isFalse();
      assertThat(allowed(server, "get", "", "secrets", appNs, "ota-signing")).isFalse();
    }
  }

  private static boolean allowed(String user, String verb, String group, String resource, String namespace, String name) {
    String[] parts = resource.split("/", 2);
    SubjectAccessReview review = kube.client.resource(new SubjectAccessReviewBuilder().withNewSpec()
        .withUser(user)
        .withGroups("system:serviceaccounts", "system:serviceaccounts:" + user.split(":")[2], "system:authenticated")
        .withResourceAttributes(new ResourceAttributesBuilder().withVerb(verb).withGroup(group).withResource(parts[0])
            .withSubresource(parts.length > 1 ? parts[1] : null).withNamespace(namespace).withName(name).build())
        .endSpec().build()).create();
    return Boolean.TRUE.equals(review.getStatus().getAllowed());
  }

  // ---------------------------------------------------------------- helpers

  private static void apply(List<HasMetadata> objects, String releaseNs, List<String> appNamespaces) {
    for (String ns : concat(List.of(releaseNs), appNamespaces)) {
      if (kube.client.namespaces().withName(ns).get() == null) {
        kube.client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
      }
    }
    for (HasMetadata o : objects) {
      // Server-side apply, as `helm install` would create them: the API server validates each.
      kube.client.resource(o).forceConflicts().serverSideApply();
    }
  }

  private static synchronized void installServiceMonitorCrd() {
    if (kube.client.apiextensions().v1().customResourceDefinitions().withName("servicemonitors.monitoring.coreos.com").get() != null) {
      return;
    }
    // A stand-in for the Prometheus Operator's CRD (schema left open): enough to accept a ServiceMonitor.
    CustomResourceDefinition crd = new CustomResourceDefinitionBuilder().withNewMetadata().withName("servicemonitors.monitoring.coreos.com").endMetadata()
        .withNewSpec().withGroup("monitoring.coreos.com").withScope("Namespaced")
        .withNewNames().withKind("ServiceMonitor").withPlural("servicemonitors").withSingular("servicemonitor").withListKind("ServiceMonitorList").endNames()
        .addNewVersion().withName("v1").withServed(true).withStorage(true)
        .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema()
        .endVersion().endSpec().build();
    kube.client.resource(crd).create();
    kube.client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
        .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions() != null && c.getStatus().getConditions().stream()
            .anyMatch(cond -> cond.getType().equals("Established") && cond.getStatus().equals("True")), 60, java.util.concurrent.TimeUnit.SECONDS);
  }

  private static <T extends HasMetadata> T example(String file, Class<T> type) throws Exception {
    try (var in = Files.newInputStream(Helm.REPO.resolve("examples").resolve(file))) {
      return kube.client.getKubernetesSerialization().unmarshal(in, type);
    }
  }

  private static Channel withStore(Channel channel, Map<String, Object> s3Store) {
    Channel copy = kube.client.getKubernetesSerialization().clone(channel);
    Map<String, Object> spec = asMap(copy.getSpec());
    spec.put("store", Map.of("s3", s3Store));
    spec.put("platforms", List.of("android"));
    copy.setSpec(kube.client.getKubernetesSerialization().convertValue(spec, com.kivyx.ota.crds.ChannelSpec.class));
    return copy;
  }

  /** A spec record as a mutable JSON map, to change the examples the way a user would edit the YAML. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object spec) {
    return new LinkedHashMap<String, Object>(kube.client.getKubernetesSerialization().convertValue(spec, Map.class));
  }

  /** Puts random bytes where CI would and names them as a Release file source. */
  private static Map<String, Object> upload(String ns, String name, int size, long seed, String path) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    String key = ns + "/ci/" + name;
    try (S3Client client = s3.client(S3TestServer.SECRET_KEY)) {
      client.putObject(b -> b.bucket(S3TestServer.BUCKET).key(key), RequestBody.fromBytes(data));
    }
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("path", path);
    source.put("url", "s3://" + S3TestServer.BUCKET + "/" + key);
    source.put("sha256", Sha256.hex(data));
    source.put("size", size);
    return source;
  }

  private static String sa(List<HasMetadata> rendered, String releaseNs, String component) {
    return rendered.stream().filter(o -> o.getKind().equals("ServiceAccount")
            && component.equals(o.getMetadata().getLabels().get("app.kubernetes.io/component")))
        .map(o -> "system:serviceaccount:" + releaseNs + ":" + o.getMetadata().getName()).findFirst().orElse(null);
  }

  private static Deployment deploymentOf(List<HasMetadata> rendered, String component) {
    return rendered.stream().filter(o -> o instanceof Deployment && component.equals(o.getMetadata().getLabels().get("app.kubernetes.io/component")))
        .map(Deployment.class::cast).findFirst().orElseThrow();
  }

  private static Deployment deployment(List<HasMetadata> objects, String name) {
    return objects.stream().filter(o -> o instanceof Deployment && o.getMetadata().getName().equals(name))
        .map(Deployment.class::cast).findFirst().orElseThrow(() -> new AssertionError("no Deployment " + name));
  }

  private static void assertHardened(Deployment deployment) {
    var pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    for (Container c : pod.getContainers()) {
      var sc = c.getSecurityContext();
      assertThat(sc.getRunAsNonRoot()).isTrue();
      assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
      assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
      assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
      assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      assertThat(c.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/tmp"));
      assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
      assertThat(c.getLivenessProbe()).isNotNull();
      assertThat(c.getReadinessProbe()).isNotNull();
    }
    assertThat(pod.getVolumes()).anyMatch(v -> v.getName().equals("tmp") && v.getEmptyDir() != null);
  }

  private static Map<String, Long> kinds(List<HasMetadata> objects) {
    return objects.stream().collect(Collectors.groupingBy(HasMetadata::getKind, TreeMap::new, Collectors.counting()));
  }

  private static <T> List<T> concat(List<? extends T> a, List<? extends T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static void await(String what, Supplier<Boolean> condition) {
    Eventually.await(what, Duration.ofSeconds(60), condition);
  }
}
