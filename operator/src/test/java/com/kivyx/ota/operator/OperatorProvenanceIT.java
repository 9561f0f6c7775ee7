package com.kivyx.ota.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.crds.Channel;
import com.kivyx.ota.crds.ChannelSpec;
import com.kivyx.ota.crds.FileSourceSpec;
import com.kivyx.ota.crds.Release;
import com.kivyx.ota.crds.ReleaseSpec;
import com.kivyx.ota.crds.ReleaseStatus;
import com.kivyx.ota.crds.Rollout;
import com.kivyx.ota.crds.RolloutSpec;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.operator.testing.OperatorTestbed;
import com.kivyx.ota.provenance.BuildDescription;
import com.kivyx.ota.provenance.Dsse;
import com.kivyx.ota.provenance.ProvenanceStatement;
import com.kivyx.ota.provenance.Subject;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.signing.PemKeys;
import com.kivyx.ota.store.S3Store;
import com.kivyx.ota.store.Sha256;
import com.kivyx.ota.testing.Eventually;
import com.kivyx.ota.testing.RekorServer;
import com.kivyx.ota.testing.S3TestServer;
import com.kivyx.ota.testing.TestKeys;
import com.kivyx.ota.transparency.LogEntryVerifier;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** A Channel with spec.provenance: the operator checks each Release's attestation and logs to a real Rekor v2. */
class OperatorProvenanceIT {
  static final String APP = "com.kivyx.provtest";
  static final String NS = "provtest";
  static final Duration TIMEOUT = Duration.ofSeconds(90);
  static final LocalKeySigner BUILDER = TestKeys.signer("ci-builder");

  @TempDir static Path dir;
  static OperatorTestbed testbed;
  static RekorServer rekor;
  static KubernetesClient client;
  static KivyxOperator operator;

  @BeforeAll
  static void start() throws Exception {
    rekor = RekorServer.start(Files.createDirectories(dir.resolve("rekor")));
    testbed = new OperatorTestbed(dir);
    testbed.namespace(NS);
    testbed.secrets(NS);
    Channel channel = new Channel();
    channel.setMetadata(new ObjectMetaBuilder().withName("production").withNamespace(NS).build());
    channel.setSpec(new ChannelSpec(APP, null, List.of(ReleaseSpec.Platform.android),
        new ChannelSpec.SigningKey(new ChannelSpec.SecretKeyRef(OperatorTestbed.SIGNING_SECRET, null), null, null, null, null),
        new ChannelSpec.Store(new ChannelSpec.S3(S3TestServer.BUCKET, NS + "/ota", "us-east-1", testbed.s3.endpoint().toString(), true,
            OperatorTestbed.S3_SECRET), null),
        "1h", null, null,
        new ChannelSpec.Provenance("required", List.of(new ChannelSpec.BuilderKey("ci-builder", PemKeys.publicKeyPem(BUILDER.publicKey()))),
            new ChannelSpec.Rekor(rekor.baseUrl().toString(), PemKeys.publicKeyPem(rekor.publicKey()), null, "required"))));
    testbed.kube.client.resource(channel).create();
    client = new KubernetesClientBuilder().withConfig(testbed.kube.client.getConfiguration()).build();
    operator = new KivyxOperator(client, new OperatorSettings(Optional.empty(), 0, dir.resolve("work"), true), Map.of("AWS_REGION", "us-east-1"),
        Clock.systemUTC());
    operator.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (operator != null) {
      operator.close();
    }
    if (client != null) {
      client.close();
    }
    if (testbed != null) {
      testbed.close();
    }
    if (rekor != null) {
      rekor.close();
    }
  }

  @Test
  void anAttestedReleaseIsLoggedAndItsEntryReachesTheIndexWhileUnattestedOrForeignOnesFail() {
    byte[] bundle = random(30_000, 1);
    FileSourceSpec bundleSource = upload("v1.js", "index.android.bundle", bundle);
    FileSourceSpec attestation = upload("v1.attestation.json", "attestation.json", attestation(BUILDER, bundle));
    create(release("app-v1", 1, bundleSource, attestation));
    create(release("unattested", 2, upload("v2.js", "index.android.bundle", random(30_000, 2)), null));
    byte[] other = random(30_000, 3);
    create(release("foreign-builder", 3, upload("v3.js", "index.android.bundle", other),
        upload("v3.attestation.json", "attestation.json", attestation(TestKeys.signer("not-our-ci"), other))));

    awaitPhase("app-v1", ReleaseStatus.Phase.PUBLISHED);
    awaitPhase("unattested", ReleaseStatus.Phase.FAILED);
    awaitPhase("foreign-builder", ReleaseStatus.Phase.FAILED);
    assertThat(get("unattested").getStatus().message()).contains("no attestation");
    assertThat(get("foreign-builder").getStatus().message()).contains("UNKNOWN_BUILDER");
    // the operator retries with backoff (the first retry comes after 2 s); a retry never flips a Failed Release back to Publishing
    for (int i = 0; i < 25; i++) {
      assertThat(get("foreign-builder").getStatus().phase()).isEqualTo(ReleaseStatus.Phase.FAILED);
      assertThat(get("unattested").getStatus().phase()).isEqualTo(ReleaseStatus.Phase.FAILED);
      sleep(200);
    }

    ReleaseStatus.Transparency logged = get("app-v1").getStatus().transparency();
    assertThat(logged).isNotNull();
    assertThat(logged.origin()).isEqualTo(RekorServer.ORIGIN);

    Rollout rollout = new Rollout();
    rollout.setMetadata(new ObjectMetaBuilder().withName("ro-v1").withNamespace(NS).build());
    rollout.setSpec(new RolloutSpec("production", "app-v1", false, null, null, false));
    testbed.kube.client.resource(rollout).create();
    Eventually.await("the index offers app-v1 with its log entry", TIMEOUT, () -> {
      ChannelIndex index = index();
      return index != null && index.releases().stream().anyMatch(r -> r.releaseId().equals("app-v1") && r.transparency() != null);
    });
    var entry = index().releases().get(0).transparency();
    assertThat(entry.logIndex()).isEqualTo(logged.logIndex());
    try (S3Store store = testbed.s3.store(NS + "/ota")) {
      byte[] tle = store.read(entry.url()).orElseThrow().bytes();
      assertThat(Sha256.hex(tle)).isEqualTo(entry.sha256());
      assertThat(new LogEntryVerifier(List.of(rekor.logKey()), new Documents().mapper()).verifyInclusion(tle).logIndex()).isEqualTo(entry.logIndex());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static byte[] attestation(LocalKeySigner signer, byte[] bundle) {
    BuildDescription build = new BuildDescription("https://ci.example/ota.yml", "https://git.example/app", "0123456789abcdef0123456789abcdef01234567",
        "npx react-native bundle", Optional.empty());
    byte[] statement = ProvenanceStatement.write(List.of(new Subject("index.android.bundle", Sha256.hex(bundle))), build, "test", new Documents().mapper());
    return Dsse.sign(signer, Dsse.IN_TOTO_PAYLOAD_TYPE, statement).toJson(new Documents().mapper());
  }

  static byte[] random(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  static FileSourceSpec upload(String name, String path, byte[] data) {
    String key = NS + "/ci/" + name;
    try (S3Client s3 = testbed.s3.client(S3TestServer.SECRET_KEY)) {
      s3.putObject(b -> b.bucket(S3TestServer.BUCKET).key(key), RequestBody.fromBytes(data));
    }
    return new FileSourceSpec(path, "s3://" + S3TestServer.BUCKET + "/" + key, Sha256.hex(data), (long) data.length, null);
  }

  static Release release(String name, long versionCode, FileSourceSpec bundle, FileSourceSpec attestation) {
    Release release = new Release();
    release.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    release.setSpec(new ReleaseSpec("production", APP, ReleaseSpec.Platform.android, "1.0." + versionCode, versionCode, "1.0.0", bundle, List.of(), null,
        attestation));
    return release;
  }

  static void create(Release release) {
    testbed.kube.client.resource(release).create();
  }

  static Release get(String name) {
    return testbed.release(NS, name);
  }

  static void awaitPhase(String name, ReleaseStatus.Phase phase) {
    testbed.awaitRelease(NS, name, phase, TIMEOUT);
  }

  static ChannelIndex index() {
    return testbed.index(NS + "/ota", new ChannelId(APP, Platform.ANDROID, "production"));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
