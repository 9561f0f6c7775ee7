package com.kivyx.ota.operator.testing;

import com.kivyx.ota.crds.testing.KubeApi;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.signing.PemKeys;
import com.kivyx.ota.testing.S3TestServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;

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

  @Override
  public void close() throws Exception {
    try {
      kube.close();
    } finally {
      s3.close();
    }
  }
}
