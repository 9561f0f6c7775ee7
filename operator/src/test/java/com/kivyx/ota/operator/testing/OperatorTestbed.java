package com.kivyx.ota.operator.testing;

import com.kivyx.ota.crds.Release;
import com.kivyx.ota.crds.ReleaseStatus;
import com.kivyx.ota.crds.Rollout;
import com.kivyx.ota.crds.RolloutStatus;
import com.kivyx.ota.crds.testing.KubeApi;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.signing.CoseVerifier;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.signing.PemKeys;
import com.kivyx.ota.store.S3Store;
import com.kivyx.ota.store.StoreLayout;
import com.kivyx.ota.testing.Eventually;
import com.kivyx.ota.testing.S3TestServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Map;

/**
 * What every test of the operator on real servers starts with: a real kube-apiserver + etcd with
 * the CRDs, an S3-compatible server, and a channel signing key, plus namespaces seeded with the
 * Secrets a Channel names ({@value #SIGNING_SECRET}, {@value #S3_SECRET}).
 */
public final class OperatorTestbed implements AutoCloseable {
  public static final String SIGNING_SECRET = "ota-signing";
  public static final String S3_SECRET = "s3-credentials";

  public final KubeApi kube;
  public final S3TestServer s3;
  public final LocalKeySigner signer;
  public final String keyPem;

  public OperatorTestbed(Path dir) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    ECPrivateKey key = (ECPrivateKey) generator.generateKeyPair().getPrivate();
    keyPem = PemKeys.privateKeyPem(key);
    signer = new LocalKeySigner(SIGNING_SECRET, key);
    s3 = new S3TestServer(dir.resolve("s3"));
    try {
      kube = new KubeApi();
    } catch (Exception | Error e) {
      s3.close();
      throw e;
    }
  }

  /** Creates the namespace. */
  public void namespace(String name) {
    kube.client.resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
  }

  /** Creates the signing key and S3 credential Secrets in the namespace. */
  public void secrets(String namespace) {
    kube.client.resource(new SecretBuilder().withNewMetadata().withName(SIGNING_SECRET).withNamespace(namespace).endMetadata()
        .addToStringData("key.pem", keyPem).build()).create();
    kube.client.resource(new SecretBuilder().withNewMetadata().withName(S3_SECRET).withNamespace(namespace).endMetadata()
        .addToStringData("AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY).addToStringData("AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY)
        .build()).create();
  }

  /** The Release as the API server has it now, or null. */
  public Release release(String namespace, String name) {
    return kube.client.resources(Release.class).inNamespace(namespace).withName(name).get();
  }

  /** The Rollout's status as the API server has it now, or null. */
  public RolloutStatus rolloutStatus(String namespace, String name) {
    Rollout rollout = kube.client.resources(Rollout.class).inNamespace(namespace).withName(name).get();
    return rollout == null ? null : rollout.getStatus();
  }

  public void awaitRelease(String namespace, String name, ReleaseStatus.Phase phase, Duration timeout) {
    Eventually.await("Release " + name + " " + phase, timeout, () -> {
      Release r = release(namespace, name);
      return r != null && r.getStatus() != null && phase == r.getStatus().phase();
    });
  }

  public void awaitRollout(String namespace, String name, String phase, Duration timeout) {
    Eventually.await("Rollout " + name + " " + phase, timeout, () -> {
      RolloutStatus status = rolloutStatus(namespace, name);
      return status != null && phase.equals(status.phase());
    });
  }

  /**
   * The channel's index in the test bucket under {@code prefix}, verified with {@link #signer}'s
   * key; null while there is none (or S3 does not answer yet), so tests can wait for it.
   */
  public ChannelIndex index(String prefix, ChannelId channel) {
    try (S3Store store = s3.store(prefix)) {
      return store.read(StoreLayout.index(channel))
          .map(o -> {
            try {
              return new Documents().readChannelIndex(new CoseVerifier(Map.of(signer.kid(), signer.publicKey()))
                  .verify(o.bytes(), ChannelIndex.CONTENT_TYPE).payload());
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          })
          .orElse(null);
    } catch (RuntimeException e) {
      return null;
    }
  }

  @Override
  public void close() throws Exception {
    try {
      kube.close();
    } finally {
      s3.close();
    }
  }
}
