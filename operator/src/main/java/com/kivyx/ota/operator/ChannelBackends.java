package com.kivyx.ota.operator;

import com.kivyx.ota.aws.AwsClientSettings;
import com.kivyx.ota.crds.Channel;
import com.kivyx.ota.crds.ChannelSpec;
import com.kivyx.ota.signing.KmsClients;
import com.kivyx.ota.signing.KmsSigner;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.signing.PemKeys;
import com.kivyx.ota.signing.Signer;
import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.store.DirectoryStore;
import com.kivyx.ota.store.S3Clients;
import com.kivyx.ota.store.S3Store;
import com.kivyx.ota.expo.ExpoCodeSigning;
import com.kivyx.ota.expo.ExpoException;
import com.kivyx.ota.expo.ExpoKeys;
import io.fabric8.kubernetes.api.model.Secret;
import java.security.PrivateKey;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Opens what a Channel names: its store (S3 or a directory) and its signing key (a Secret with
 * a PKCS#8 PEM, or an AWS KMS key). Credentials come from a named Secret or, by default, from
 * the operator's own environment (workload identity, instance role, env variables).
 */
class ChannelBackends {
  static final String DEFAULT_SECRET_KEY = "key.pem";

  private final KubernetesClient client;
  private final Map<String, String> environment;

  ChannelBackends(KubernetesClient client, Map<String, String> environment) {
    this.client = client;
    this.environment = Map.copyOf(environment);
  }

  ChannelBackend open(Channel channel) {
    List<AutoCloseable> toClose = new ArrayList<>();
    ChannelSpec spec = channel.getSpec();
    String namespace = channel.getMetadata().getNamespace();
    ArtifactStore store;
    S3Client s3 = null;
    if (spec.store().directory() != null) {
      store = new DirectoryStore(Path.of(spec.store().directory()));
    } else {
      ChannelSpec.S3 config = spec.store().s3();
      s3 = S3Clients.create(
          AwsClientSettings.defaults(
              Optional.ofNullable(config.endpoint()).map(URI::create),
              region(config.region(), "store.s3.region"),
              credentials(namespace, config.credentialsSecret())),
          Boolean.TRUE.equals(config.pathStyle()));
      store = new S3Store(s3, config.bucket(), config.prefix() == null ? "" : config.prefix());
    }
    toClose.add(store);
    Signer signer = signer(namespace, spec.signingKey(), toClose);
    S3Client storeS3 = s3;
    java.util.function.Function<String, S3Client> sourceS3 = storeS3 != null ? bucket -> storeS3 : lazyDefaultS3(toClose);
    return new ChannelBackend(store, signer, sourceS3, () -> {
      for (AutoCloseable c : toClose) {
        c.close();
      }
    });
  }

  /** The Channel's Expo code-signing key and chain, when it names one (validated like the CLI's). */
  Optional<ExpoCodeSigning> expoSigning(Channel channel) {
    ChannelSpec.Expo expo = channel.getSpec().expo();
    if (expo == null || expo.signingKey() == null) {
      return Optional.empty();
    }
    String namespace = channel.getMetadata().getNamespace();
    try {
      PrivateKey key = ExpoKeys.readPrivateKey(secretValue(namespace, expo.signingKey().name(), dataKey(expo.signingKey())));
      Optional<String> chain = Optional.ofNullable(expo.certificateChain()).map(ref -> secretValue(namespace, ref.name(), dataKey(ref)));
      chain.ifPresent(ExpoKeys::readCertificates);
      return Optional.of(new ExpoCodeSigning(key, expo.keyid() != null ? expo.keyid() : "main", chain));
    } catch (ExpoException e) {
      throw new ChannelConfigException("expo of Channel " + namespace + "/" + channel.getMetadata().getName() + ": " + e.getMessage());
    }
  }

  private static String dataKey(ChannelSpec.SecretKeyRef ref) {
    return ref.key() != null ? ref.key() : DEFAULT_SECRET_KEY;
  }

  private Signer signer(String namespace, ChannelSpec.SigningKey key, List<AutoCloseable> toClose) {
    if (key.kmsKeyId() != null) {
      KmsClient kms = KmsClients.create(AwsClientSettings.defaults(
          Optional.ofNullable(key.kmsEndpoint()).map(URI::create), region(key.kmsRegion(), "signingKey.kmsRegion"),
          DefaultCredentialsProvider.builder().build()));
      toClose.add(kms);
      return new KmsSigner(kms, key.kmsKeyId(), key.kid() != null ? key.kid() : key.kmsKeyId());
    }
    String name = key.secretRef().name();
    String dataKey = key.secretRef().key() != null ? key.secretRef().key() : DEFAULT_SECRET_KEY;
    String pem = secretValue(namespace, name, dataKey);
    return new LocalKeySigner(key.kid() != null ? key.kid() : name, PemKeys.privateKey(pem));
  }

  private AwsCredentialsProvider credentials(String namespace, String secretName) {
    if (secretName == null) {
      return DefaultCredentialsProvider.builder().build();
    }
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(
        secretValue(namespace, secretName, "AWS_ACCESS_KEY_ID"), secretValue(namespace, secretName, "AWS_SECRET_ACCESS_KEY")));
  }

  private String secretValue(String namespace, String name, String dataKey) {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      throw new ChannelConfigException("Secret " + namespace + "/" + name + " does not exist; create it or fix the Channel");
    }
    String value = secret.getData() == null ? null : secret.getData().get(dataKey);
    if (value == null) {
      if (secret.getStringData() != null && secret.getStringData().get(dataKey) != null) {
        return secret.getStringData().get(dataKey);
      }
      throw new ChannelConfigException("Secret " + namespace + "/" + name + " has no key '" + dataKey + "'");
    }
    return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
  }

  private Region region(String configured, String field) {
    if (configured != null && !configured.isBlank()) {
      return Region.of(configured);
    }
    return AwsClientSettings.regionFrom(environment).orElseThrow(() -> new ChannelConfigException("no AWS region: set " + field + " on the Channel or AWS_REGION on the operator"));
  }

  /** For s3:// release sources of a channel whose store is not S3: built on first use only. */
  private java.util.function.Function<String, S3Client> lazyDefaultS3(List<AutoCloseable> toClose) {
    S3Client[] holder = new S3Client[1];
    return bucket -> {
      synchronized (holder) {
        if (holder[0] == null) {
          holder[0] = S3Clients.create(
              AwsClientSettings.defaults(Optional.empty(), region(null, "AWS_REGION"), DefaultCredentialsProvider.builder().build()), false);
          toClose.add(holder[0]);
        }
        return holder[0];
      }
    };
  }
}
