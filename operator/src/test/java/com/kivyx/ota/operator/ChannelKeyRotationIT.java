package com.kivyx.ota.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.crds.Channel;
import com.kivyx.ota.crds.ChannelSpec;
import com.kivyx.ota.crds.FileSourceSpec;
import com.kivyx.ota.crds.Release;
import com.kivyx.ota.crds.ReleaseSpec;
import com.kivyx.ota.crds.Rollout;
import com.kivyx.ota.crds.RolloutSpec;
import com.kivyx.ota.crds.RolloutStatus;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.format.KeySet;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.keys.KeySetChanges;
import com.kivyx.ota.keys.KeySetPublisher;
import com.kivyx.ota.operator.testing.OperatorTestbed;
import com.kivyx.ota.publish.StoreVerifier;
import com.kivyx.ota.signing.CoseSign1;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.signing.P256;
import com.kivyx.ota.signing.PemKeys;
import com.kivyx.ota.store.S3Store;
import com.kivyx.ota.store.Sha256;
import com.kivyx.ota.store.StoreLayout;
import com.kivyx.ota.store.StoredObject;
import com.kivyx.ota.testing.Eventually;
import com.kivyx.ota.testing.S3TestServer;
import com.kivyx.ota.testing.TestKeys;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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

/**
 * A Channel switching its signing key on the real API server and S3: with the app's key set in
 * the store, the operator converges (builds on the index the old key signed, re-signs the live
 * manifest, signs the index with the new key) instead of failing, and refuses to switch to a key
 * the key set does not list.
 */
class ChannelKeyRotationIT {
  private static final String APP = "com.kivyx.keyrotation";
  private static final String NS = "keyrotation";
  private static final String PREFIX = NS + "/ota";
  private static final ChannelId CHANNEL = new ChannelId(APP, Platform.ANDROID, "production");
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @TempDir static Path dir;
  private static OperatorTestbed testbed;
  private final LocalKeySigner root = TestKeys.signer("root-v1");
  private static final ECPrivateKey NEW_KEY = PemKeys.privateKeyFromScalar(BigInteger.valueOf(987_654_321));
  private static final ECPrivateKey UNLISTED_KEY = PemKeys.privateKeyFromScalar(BigInteger.valueOf(192_837_465));
  private final LocalKeySigner newKey = new LocalKeySigner("ota-signing-v2", NEW_KEY);

  @BeforeAll
  static void startServers() throws Exception {
    testbed = new OperatorTestbed(dir);
  }

  @AfterAll
  static void stopServers() throws Exception {
    if (testbed != null) {
      testbed.close();
    }
  }

  @Test
  void aSigningKeyChangeConvergesThroughTheKeySet() throws Exception {
    testbed.namespace(NS);
    testbed.secrets(NS);
    secret("ota-signing-v2", NEW_KEY);
    secret("ota-signing-v3", UNLISTED_KEY);
    LocalKeySigner oldKey = testbed.signer;
    Instant now = Instant.now();
    KeySet v1 = KeySetChanges.initial(APP, List.of(new KeySet.RootKey(root.kid(), P256.rawHex(root.publicKey()))),
        List.of(entry(oldKey, now.minusSeconds(60))), now, Duration.ofDays(30));
    try (S3Store store = testbed.s3.store(PREFIX)) {
      new KeySetPublisher(store).publish(Optional.empty(), v1, root);
    }
    KubernetesClient kube = testbed.kube.client;
    kube.resource(channel("ota-signing")).create();
    kube.resource(release()).create();
    kube.resource(rollout()).create();

    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(kube.getConfiguration()).build();
        KivyxOperator operator = new KivyxOperator(client, new OperatorSettings(Optional.empty(), 0, dir.resolve("work"), true),
            Map.of("AWS_REGION", "us-east-1"), Clock.systemUTC())) {
      operator.start();
      Eventually.await("the index offers app-v1, signed by the first key", TIMEOUT,
          () -> indexKid().filter("ota-signing"::equals).isPresent() && offers("app-v1"));
      String firstManifest = index().releases().get(0).manifest().sha256();

      // Rotation: the key set lists the new key, then the Channel switches to it.
      KeySet v2;
      try (S3Store store = testbed.s3.store(PREFIX)) {
        v2 = KeySetChanges.addKey(v1, entry(newKey, Instant.now().minusSeconds(60)), Instant.now(), Duration.ofDays(30));
        new KeySetPublisher(store).publish(Optional.of(v1), v2, root);
      }
      switchKey("ota-signing-v2");
      Eventually.await("the index and the live manifest are re-signed with the new key", TIMEOUT,
          () -> indexKid().filter("ota-signing-v2"::equals).isPresent() && manifestKid().filter("ota-signing-v2"::equals).isPresent());
      assertThat(index().releases().get(0).manifest().sha256()).isNotEqualTo(firstManifest);
      Eventually.await("the Channel is Ready again", TIMEOUT, () -> "index signed".equals(status().message()));

      // Revoking the old key now breaks nothing: devices with the new key set accept the whole channel.
      try (S3Store store = testbed.s3.store(PREFIX)) {
        KeySet v3 = KeySetChanges.revoke(v2, "ota-signing", Instant.now(), Duration.ofDays(30));
        new KeySetPublisher(store).publish(Optional.of(v2), v3, root);
        assertThat(new StoreVerifier(store, v3.keysValidAt(Instant.now()), Clock.systemUTC()).verify(CHANNEL).problems()).isEmpty();
      }

      // A key the key set does not list is refused, and the store keeps what the listed key signed.
      byte[] before = indexBytes();
      switchKey("ota-signing-v3");
      Eventually.await("the Channel reports the unlisted key", TIMEOUT,
          () -> status().message() != null && status().message().contains("'ota-signing-v3' is not a key of key set version 3"));
      assertThat(Sha256.hex(indexBytes())).isEqualTo(Sha256.hex(before));
    }
  }

  private static KeySet.SigningKey entry(LocalKeySigner key, Instant notBefore) {
    return new KeySet.SigningKey(key.kid(), P256.rawHex(key.publicKey()), notBefore.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString(),
        notBefore.plus(Duration.ofDays(365)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
  }

  private static void secret(String name, ECPrivateKey key) {
    testbed.kube.client.resource(new SecretBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .addToStringData("key.pem", PemKeys.privateKeyPem(key)).build()).create();
  }

  private Channel channel(String secret) {
    Channel channel = new Channel();
    channel.setMetadata(new ObjectMetaBuilder().withName("production").withNamespace(NS).build());
    channel.setSpec(spec(secret));
    return channel;
  }

  private ChannelSpec spec(String secret) {
    return new ChannelSpec(APP, null, List.of(ReleaseSpec.Platform.android),
        new ChannelSpec.SigningKey(new ChannelSpec.SecretKeyRef(secret, null), null, null, null, null),
        new ChannelSpec.Store(new ChannelSpec.S3(S3TestServer.BUCKET, PREFIX, "us-east-1", testbed.s3.endpoint().toString(), true,
            OperatorTestbed.S3_SECRET), null),
        "1h", null, null,
        new ChannelSpec.Keys(List.of(new ChannelSpec.PublicKey(root.kid(), P256.rawHex(root.publicKey()))), null));
  }

  private void switchKey(String secret) {
    Channel current = testbed.kube.client.resources(Channel.class).inNamespace(NS).withName("production").get();
    current.setSpec(spec(secret));
    testbed.kube.client.resource(current).update();
  }

  private static Release release() {
    byte[] data = new byte[30_000];
    new Random(1).nextBytes(data);
    String key = NS + "/ci/v1.js";
    try (S3Client client = testbed.s3.client(S3TestServer.SECRET_KEY)) {
      client.putObject(b -> b.bucket(S3TestServer.BUCKET).key(key), RequestBody.fromBytes(data));
    }
    Release release = new Release();
    release.setMetadata(new ObjectMetaBuilder().withName("app-v1").withNamespace(NS).build());
    release.setSpec(new ReleaseSpec("production", APP, ReleaseSpec.Platform.android, "1.0.1", 1L, "1.0.0",
        new FileSourceSpec("index.android.bundle", "s3://" + S3TestServer.BUCKET + "/" + key, Sha256.hex(data), (long) data.length, null),
        List.of(), "notes"));
    return release;
  }

  private static Rollout rollout() {
    Rollout rollout = new Rollout();
    rollout.setMetadata(new ObjectMetaBuilder().withName("ro-v1").withNamespace(NS).build());
    rollout.setSpec(new RolloutSpec("production", "app-v1", false, null, null, false));
    return rollout;
  }

  private static com.kivyx.ota.crds.ChannelStatus status() {
    Channel c = testbed.kube.client.resources(Channel.class).inNamespace(NS).withName("production").get();
    return c == null || c.getStatus() == null ? new com.kivyx.ota.crds.ChannelStatus(null, null, null, null) : c.getStatus();
  }

  private static byte[] indexBytes() {
    try (S3Store store = testbed.s3.store(PREFIX)) {
      return store.read(StoreLayout.index(CHANNEL)).map(StoredObject::bytes).orElse(new byte[0]);
    }
  }

  /** The index as stored; its signature is checked by the kid assertions and the StoreVerifier above. */
  private static ChannelIndex index() throws Exception {
    return new Documents().readChannelIndex(CoseSign1.payloadOfAuthenticated(indexBytes()));
  }

  private static Optional<String> indexKid() {
    try {
      return Optional.of(CoseSign1.kidOfAuthenticated(indexBytes()));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  private static boolean offers(String releaseId) {
    try {
      return index().releases().stream().anyMatch(r -> r.releaseId().equals(releaseId));
    } catch (Exception e) {
      return false;
    }
  }

  private static Optional<String> manifestKid() {
    try (S3Store store = testbed.s3.store(PREFIX)) {
      var entry = index().releases().get(0);
      return store.read(entry.manifest().url()).map(StoredObject::bytes).map(b -> {
        try {
          return CoseSign1.kidOfAuthenticated(b);
        } catch (Exception e) {
          return null;
        }
      });
    } catch (Exception e) {
      return Optional.empty();
    }
  }
}
