package com.kivyx.ota.operator;

import com.kivyx.ota.testing.Eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kivyx.ota.crds.Channel;
import com.kivyx.ota.crds.ChannelSpec;
import com.kivyx.ota.crds.FileSourceSpec;
import com.kivyx.ota.crds.Release;
import com.kivyx.ota.crds.ReleaseSpec;
import com.kivyx.ota.crds.ReleaseStatus;
import com.kivyx.ota.crds.Rollout;
import com.kivyx.ota.crds.RolloutSpec;
import com.kivyx.ota.crds.RolloutStatus;
import com.kivyx.ota.crds.testing.KubeApi;
import com.kivyx.ota.operator.testing.OperatorTestbed;
import com.kivyx.ota.expo.ExpoKeys;
import com.kivyx.ota.expo.ExpoRelease;
import com.kivyx.ota.expo.ExpoUpdateIds;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.publish.StoreVerifier;
import com.kivyx.ota.publish.VerificationReport;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.store.S3Store;
import com.kivyx.ota.store.Sha256;
import com.kivyx.ota.store.StoreLayout;
import com.kivyx.ota.testing.S3TestServer;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The operator against a real kube-apiserver + etcd and a real S3-compatible server: the
 * CRDs' validation, the full Release → Rollout → Channel loop, a restart mid-publish, and
 * leader election between two instances.
 */
class OperatorIT {
  private static final String APP = "com.kivyx.optest";
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final String PREFIX = "ota";
  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  @TempDir static Path dir;
  private static OperatorTestbed testbed;
  private static KubeApi kube;
  private static S3TestServer s3;
  private static LocalKeySigner signer;
  private static String keyPem;
  private final List<KivyxOperator> operators = new ArrayList<>();
  private final List<KubernetesClient> clients = new ArrayList<>();

  @BeforeAll
  static void startServers() throws Exception {
    testbed = new OperatorTestbed(dir);
    kube = testbed.kube;
    s3 = testbed.s3;
    signer = testbed.signer;
    keyPem = testbed.keyPem;
  }

  @AfterAll
  static void stopServers() throws Exception {
    if (testbed != null) {
      testbed.close();
    }
  }

  @AfterEach
  void stopOperators() {
    operators.forEach(KivyxOperator::close);
    clients.forEach(KubernetesClient::close);
  }

  // ---------------------------------------------------------------- validation by the API server

  @Test
  void theApiServerRefusesBadSpecs() throws Exception {
    String ns = namespace();
    KubernetesClient client = kube.client;
    Rollout tooHeavy = rollout(ns, "too-heavy", "rel", List.of(new RolloutSpec.Step(150, null)));
    assertThatThrownBy(() -> client.resource(tooHeavy).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
        .hasMessageContaining("setWeight").hasMessageContaining("100");
    Rollout both = rollout(ns, "both", "rel", List.of(new RolloutSpec.Step(10, new RolloutSpec.Pause("1h"))));
    assertThatThrownBy(() -> client.resource(both).create()).hasMessageContaining("a step is exactly one of setWeight, pause or analysis");
    Rollout gateAndWeight = rollout(ns, "gate-weight", "rel", List.of(new RolloutSpec.Step(10, null, new com.kivyx.ota.crds.AnalysisSpec.Gate(100))));
    assertThatThrownBy(() -> client.resource(gateAndWeight).create()).hasMessageContaining("a step is exactly one of setWeight, pause or analysis");
    Rollout badHalt = rollout(ns, "bad-halt", "rel", null);
    badHalt.setSpec(new RolloutSpec("production", "rel", false, null, null, false,
        new com.kivyx.ota.crds.AnalysisSpec(null, null, null, 0.0, "1m", "explode", null)));
    assertThatThrownBy(() -> client.resource(badHalt).create()).hasMessageContaining("onHalt").hasMessageContaining("falseHaltRate");

    Release badHash = release(ns, "bad-hash", "production", 1, new FileSourceSpec("index.js", "s3://b/k", "ABC", 10L, null));
    assertThatThrownBy(() -> client.resource(badHash).create()).hasMessageContaining("sha256");
    Release release = release(ns, "good", "production", 1, new FileSourceSpec("index.js", "s3://b/k", "a".repeat(64), 10L, null));
    client.resource(release).create();
    Release changed = client.resources(Release.class).inNamespace(ns).withName("good").get();
    ReleaseSpec s = changed.getSpec();
    changed.setSpec(new ReleaseSpec(s.channel(), s.appId(), s.platform(), "9.9.9", s.versionCode(), s.runtimeVersion(), s.bundle(), s.assets(), s.notes()));
    assertThatThrownBy(() -> client.resource(changed).update()).hasMessageContaining("a Release is immutable once created");

    Channel twoKeys = channel(ns, "two-keys", new ChannelSpec.SigningKey(new ChannelSpec.SecretKeyRef("k", null), "alias/x", null, null, null));
    assertThatThrownBy(() -> client.resource(twoKeys).create()).hasMessageContaining("exactly one of signingKey.secretRef or signingKey.kmsKeyId");
  }

  @Test
  void theExamplesApplyAsTheyAre() throws Exception {
    String ns = namespace();
    Path examples = Path.of(System.getProperty("kivyx.repo.dir", "..")).resolve("examples");
    try (var files = java.nio.file.Files.list(examples)) {
      List<Path> yamls = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
      assertThat(yamls).hasSize(4);
      for (Path yaml : yamls) {
        try (var in = java.nio.file.Files.newInputStream(yaml)) {
          kube.client.load(in).inNamespace(ns).createOrReplace();
        }
      }
    }
    assertThat(kube.client.resources(Release.class).inNamespace(ns).list().getItems()).hasSize(2);
    assertThat(kube.client.resources(Rollout.class).inNamespace(ns).withName("app-1-0-1").get().getSpec().steps()).hasSize(4);
  }

  // ---------------------------------------------------------------- the full loop

  @Test
  void releasesRolloutsAndChannelsMakeAVerifiableSignedIndex() throws Exception {
    String ns = namespace();
    setUpChannel(ns);
    startOperator(Optional.empty());
    KubernetesClient client = kube.client;

    client.resource(release(ns, "app-v1", "production", 1, upload(ns, "v1.js", 40_000, 1))).create();
    client.resource(release(ns, "app-v2", "production", 2, upload(ns, "v2.js", 40_000, 2))).create();
    client.resource(rollout(ns, "ro-v1", "app-v1", null)).create();
    awaitRollout(ns, "ro-v1", RolloutStatus.COMPLETED);
    assertThat(release(ns, "app-v1").getStatus().keyId()).isEqualTo("ota-signing");

    client.resource(rollout(ns, "ro-v2", "app-v2",
        List.of(new RolloutSpec.Step(20, null), new RolloutSpec.Step(null, new RolloutSpec.Pause("3s")), new RolloutSpec.Step(50, null)))).create();
    Eventually.await("ro-v2 at 20% during its pause", TIMEOUT, () -> {
      RolloutStatus st = rolloutStatus(ns, "ro-v2");
      return st != null && Integer.valueOf(20).equals(st.currentWeight()) && RolloutStatus.PROGRESSING.equals(st.phase());
    });
    Eventually.await("the index offers app-v2 at 20%", TIMEOUT, () -> index(ns).releases().stream()
        .anyMatch(r -> r.releaseId().equals("app-v2") && r.rollout().weight() == 2_000));
    awaitRollout(ns, "ro-v2", RolloutStatus.COMPLETED);
    Eventually.await("app-v2 reaches everyone and app-v1 is pruned", TIMEOUT, () -> {
      ChannelIndex idx = index(ns);
      return idx.releases().size() == 1 && idx.releases().get(0).releaseId().equals("app-v2") && idx.releases().get(0).rollout().weight() == 10_000;
    });
    awaitRollout(ns, "ro-v1", RolloutStatus.SUPERSEDED);
    VerificationReport report = verify(ns);
    assertThat(report.problems()).isEmpty();
    long before = report.indexVersion();

    // The Channel's status carries the same signed bytes as the store.
    Channel channel = client.resources(Channel.class).inNamespace(ns).withName("production").get();
    byte[] fromStatus = Base64.getDecoder().decode(channel.getStatus().platforms().get(0).index());
    assertThat(Sha256.hex(fromStatus)).isEqualTo(channel.getStatus().platforms().get(0).sha256());

    Rollout ro = client.resources(Rollout.class).inNamespace(ns).withName("ro-v2").get();
    ro.setSpec(new RolloutSpec(ro.getSpec().channel(), ro.getSpec().release(), false, null, ro.getSpec().steps(), true));
    client.resource(ro).update();
    awaitRollout(ns, "ro-v2", RolloutStatus.ABORTED);
    Eventually.await("abort takes app-v2 out of a newer index", TIMEOUT, () -> {
      ChannelIndex idx = index(ns);
      return idx.version() > before && idx.releases().stream().noneMatch(r -> r.releaseId().equals("app-v2"));
    });
    assertThat(verify(ns).problems()).isEmpty();
  }

  @Test
  void theAbortAnnotationAbortsWithoutTouchingTheSpec() throws Exception {
    // The dashboard's Abort: metadata a GitOps sync of the spec leaves alone.
    String ns = namespace();
    setUpChannel(ns);
    startOperator(Optional.empty());
    kube.client.resource(release(ns, "app-v1", "production", 1, upload(ns, "v1.js", 40_000, 11))).create();
    kube.client.resource(rollout(ns, "ro-v1", "app-v1", List.of(new RolloutSpec.Step(30, null), new RolloutSpec.Step(null, new RolloutSpec.Pause(null))))).create();
    awaitRollout(ns, "ro-v1", RolloutStatus.PAUSED);
    Eventually.await("the index offers app-v1 at 30%", TIMEOUT, () -> index(ns) != null && index(ns).releases().stream()
        .anyMatch(r -> r.releaseId().equals("app-v1") && r.rollout().weight() == 3_000));
    long before = index(ns).version();
    kube.client.resources(Rollout.class).inNamespace(ns).withName("ro-v1").edit(r -> {
      Map<String, String> annotations = new java.util.HashMap<>(r.getMetadata().getAnnotations() == null ? Map.of() : r.getMetadata().getAnnotations());
      annotations.put(Rollout.ABORT_ANNOTATION, "true");
      r.getMetadata().setAnnotations(annotations);
      return r;
    });
    awaitRollout(ns, "ro-v1", RolloutStatus.ABORTED);
    assertThat(kube.client.resources(Rollout.class).inNamespace(ns).withName("ro-v1").get().getSpec().abort()).isFalse();
    Eventually.await("abort takes app-v1 out of a newer index", TIMEOUT, () -> {
      ChannelIndex idx = index(ns);
      return idx.version() > before && idx.releases().stream().noneMatch(r -> r.releaseId().equals("app-v1"));
    });
  }

  @Test
  void aChannelWithAnExpoKeyPublishesSignedExpoManifestsBeforeTheReleaseIsPublished() throws Exception {
    String ns = namespace();
    ExpoKeys.Generated expoKey = ExpoKeys.generate("optest", Duration.ofDays(30), java.time.Instant.now());
    testbed.secrets(ns);
    kube.client.resource(new SecretBuilder().withNewMetadata().withName("ota-expo").withNamespace(ns).endMetadata()
        .addToStringData("key.pem", expoKey.privateKeyPem()).addToStringData("chain.pem", expoKey.certificatePem()).build()).create();
    ChannelSpec.Expo expo = new ChannelSpec.Expo(
        "https://cdn.example.com/ota/", new ChannelSpec.SecretKeyRef("ota-expo", null), "main", new ChannelSpec.SecretKeyRef("ota-expo", "chain.pem"));
    kube.client.resource(channel(ns, "production", new ChannelSpec.SigningKey(new ChannelSpec.SecretKeyRef("ota-signing", null), null, null, null, null), expo)).create();
    startOperator(Optional.empty());
    kube.client.resource(release(ns, "app-v1", "production", 1, upload(ns, "v1.js", 40_000, 1))).create();
    awaitRelease(ns, "app-v1", ReleaseStatus.Phase.PUBLISHED);
    String updateId = ExpoUpdateIds.updateId(APP, Platform.ANDROID, "app-v1").toString();
    assertThat(release(ns, "app-v1").getStatus().message()).contains("Expo update " + updateId);

    ExpoRelease doc;
    try (S3Store store = s3.store(ns + "/" + PREFIX)) {
      doc = new Documents().mapper().readValue(store.read(ExpoRelease.key(APP, Platform.ANDROID, "app-v1")).orElseThrow().bytes(), ExpoRelease.class);
    }
    assertThat(doc.updateId()).isEqualTo(updateId);
    assertThat(doc.manifest()).contains("\"url\":\"https://cdn.example.com/ota/apps/" + APP + "/blobs/sha256/");
    assertThat(doc.certificateChain()).isEqualTo(expoKey.certificatePem());
    for (String[] signed : new String[][] {{doc.manifest(), doc.manifestSignature()}, {doc.rollBackToEmbedded(), doc.rollBackToEmbeddedSignature()}}) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("sig=\"([^\"]+)\", keyid=\"main\", alg=\"rsa-v1_5-sha256\"").matcher(signed[1]);
      assertThat(m.matches()).as(signed[1]).isTrue();
      java.security.Signature rsa = java.security.Signature.getInstance("SHA256withRSA");
      rsa.initVerify(expoKey.certificate());
      rsa.update(signed[0].getBytes(java.nio.charset.StandardCharsets.UTF_8));
      assertThat(rsa.verify(Base64.getDecoder().decode(m.group(1)))).isTrue();
    }
  }

  // ---------------------------------------------------------------- restart and leader election

  @Test
  void aRestartMidPublishConvergesWithoutDuplicates() throws Exception {
    String ns = namespace();
    setUpChannel(ns);
    KivyxOperator first = startOperator(Optional.empty());
    kube.client.resource(release(ns, "big-v1", "production", 1, upload(ns, "big1.js", 1_500_000, 11))).create();
    awaitRelease(ns, "big-v1", ReleaseStatus.Phase.PUBLISHED);
    // The second publish makes a delta against the first, which takes long enough to crash in.
    kube.client.resource(release(ns, "big-v2", "production", 2, upload(ns, "big2.js", 1_500_000, 12))).create();
    Eventually.await("big-v2 publishing", TIMEOUT, () -> {
      ReleaseStatus st = release(ns, "big-v2").getStatus();
      return st != null && st.phase() == ReleaseStatus.Phase.PUBLISHING;
    });
    first.close();
    operators.remove(first);
    startOperator(Optional.empty());
    awaitRelease(ns, "big-v2", ReleaseStatus.Phase.PUBLISHED);
    try (S3Store store = s3.store(ns + "/" + PREFIX)) {
      assertThat(store.list(StoreLayout.releasesPrefix(APP, Platform.ANDROID)))
          .containsExactlyInAnyOrder(StoreLayout.releaseRecord(APP, Platform.ANDROID, "big-v1"), StoreLayout.releaseRecord(APP, Platform.ANDROID, "big-v2"));
    }
    kube.client.resource(rollout(ns, "ro-big", "big-v2", null)).create();
    awaitRollout(ns, "ro-big", RolloutStatus.COMPLETED);
    Eventually.await("the index offers big-v2 once", TIMEOUT, () -> index(ns).releases().stream().filter(r -> r.releaseId().equals("big-v2")).count() == 1);
    assertThat(verify(ns).problems()).isEmpty();
  }

  @Test
  void aReleaseWaitingForItsChannelIsWokenWhenTheChannelAppears() throws Exception {
    // The operator no longer polls for a missing Channel: only the Channel informer can wake
    // this Release, so it publishes only if that wiring works.
    String ns = namespace();
    startOperator(Optional.empty());
    kube.client.resource(release(ns, "early-v1", "production", 1, upload(ns, "early1.js", 5_000, 31))).create();
    Eventually.await("Release early-v1 Pending for its Channel", TIMEOUT, () -> {
      Release r = release(ns, "early-v1");
      return r != null && r.getStatus() != null && r.getStatus().phase() == ReleaseStatus.Phase.PENDING;
    });
    assertThat(release(ns, "early-v1").getStatus().message()).contains("Channel production does not exist yet");
    setUpChannel(ns);
    awaitRelease(ns, "early-v1", ReleaseStatus.Phase.PUBLISHED);
    assertThat(release(ns, "early-v1").getStatus().store()).isEqualTo("s3://" + S3TestServer.BUCKET + "/" + ns + "/" + PREFIX + "/");
  }

  @Test
  void twoInstancesElectOneLeader() throws Exception {
    String ns = namespace();
    setUpChannel(ns);
    Duration lease = Duration.ofSeconds(4);
    KivyxOperator a = startOperator(Optional.of(new OperatorSettings.LeaderElection(ns, "operator-a", lease, false)));
    KivyxOperator b = startOperator(Optional.of(new OperatorSettings.LeaderElection(ns, "operator-b", lease, false)));
    Eventually.await("one leader holds the Lease", TIMEOUT, () -> holder(ns) != null);
    String leader = holder(ns);
    assertThat(leader).isIn("operator-a", "operator-b");
    kube.client.resource(release(ns, "le-v1", "production", 1, upload(ns, "le1.js", 5_000, 21))).create();
    awaitRelease(ns, "le-v1", ReleaseStatus.Phase.PUBLISHED);

    KivyxOperator leading = leader.equals("operator-a") ? a : b;
    leading.close();
    operators.remove(leading);
    String follower = leader.equals("operator-a") ? "operator-b" : "operator-a";
    Eventually.await("the other instance takes over the Lease", TIMEOUT, () -> follower.equals(holder(ns)));
    kube.client.resource(release(ns, "le-v2", "production", 2, upload(ns, "le2.js", 5_000, 22))).create();
    awaitRelease(ns, "le-v2", ReleaseStatus.Phase.PUBLISHED);
  }

  // ---------------------------------------------------------------- helpers

  private KivyxOperator startOperator(Optional<OperatorSettings.LeaderElection> election) throws Exception {
    KubernetesClient client = new KubernetesClientBuilder().withConfig(kube.client.getConfiguration()).build();
    clients.add(client);
    KivyxOperator operator = new KivyxOperator(client,
        new OperatorSettings(election, 0, dir.resolve("work-" + operators.size()), true), Map.of("AWS_REGION", "us-east-1"), Clock.systemUTC());
    operator.start();
    operators.add(operator);
    return operator;
  }

  private static String namespace() {
    String ns = "optest-" + NAMESPACES.incrementAndGet();
    testbed.namespace(ns);
    return ns;
  }

  private static void setUpChannel(String ns) {
    testbed.secrets(ns);
    kube.client.resource(channel(ns, "production", new ChannelSpec.SigningKey(new ChannelSpec.SecretKeyRef("ota-signing", null), null, null, null, null))).create();
  }

  private static Channel channel(String ns, String name, ChannelSpec.SigningKey key) {
    return channel(ns, name, key, null);
  }

  private static Channel channel(String ns, String name, ChannelSpec.SigningKey key, ChannelSpec.Expo expo) {
    Channel channel = new Channel();
    channel.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    channel.setSpec(new ChannelSpec(APP, null, List.of(ReleaseSpec.Platform.android), key,
        new ChannelSpec.Store(new ChannelSpec.S3(S3TestServer.BUCKET, ns + "/" + PREFIX, "us-east-1", s3.endpoint().toString(), true, "s3-credentials"), null),
        "1h", null, expo));
    return channel;
  }

  private static Release release(String ns, String name, String channel, long versionCode, FileSourceSpec bundle) {
    Release release = new Release();
    release.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    release.setSpec(new ReleaseSpec(channel, APP, ReleaseSpec.Platform.android, "1.0." + versionCode, versionCode, "1.0.0", bundle, List.of(), "notes"));
    return release;
  }

  private static Rollout rollout(String ns, String name, String release, List<RolloutSpec.Step> steps) {
    Rollout rollout = new Rollout();
    rollout.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    rollout.setSpec(new RolloutSpec("production", release, false, null, steps, false));
    return rollout;
  }

  /** Puts a random bundle where CI would, and names it as a Release source. */
  private static FileSourceSpec upload(String ns, String name, int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    String key = ns + "/ci/" + name;
    try (S3Client client = s3.client(S3TestServer.SECRET_KEY)) {
      client.putObject(b -> b.bucket(S3TestServer.BUCKET).key(key), RequestBody.fromBytes(data));
    }
    return new FileSourceSpec("index.android.bundle", "s3://" + S3TestServer.BUCKET + "/" + key, Sha256.hex(data), (long) size, null);
  }

  private static Release release(String ns, String name) {
    return testbed.release(ns, name);
  }

  private static RolloutStatus rolloutStatus(String ns, String name) {
    return testbed.rolloutStatus(ns, name);
  }

  private static ChannelIndex index(String ns) {
    return testbed.index(ns + "/" + PREFIX, new ChannelId(APP, Platform.ANDROID, "production"));
  }

  private static VerificationReport verify(String ns) {
    try (S3Store store = s3.store(ns + "/" + PREFIX)) {
      return new StoreVerifier(store, Map.of(signer.kid(), signer.publicKey()), Clock.systemUTC()).verify(new ChannelId(APP, Platform.ANDROID, "production"));
    }
  }

  private static String holder(String ns) {
    Lease lease = kube.client.leases().inNamespace(ns).withName(OperatorSettings.LeaderElection.LEASE_NAME).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static void awaitRelease(String ns, String name, ReleaseStatus.Phase phase) {
    testbed.awaitRelease(ns, name, phase, TIMEOUT);
  }

  private static void awaitRollout(String ns, String name, String phase) {
    testbed.awaitRollout(ns, name, phase, TIMEOUT);
  }
}
