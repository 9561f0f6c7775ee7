package com.kivyx.ota.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Map;
import com.kivyx.ota.aws.AwsClientSettings;
import com.kivyx.ota.testing.FakeKms;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/** The KMS signer against an HTTP server that speaks the KMS protocol with a real key. */
class KmsSignerTest {
  private static final String TYPE = "application/vnd.kivyx.ota.channel-index+json";
  private FakeKms kms;
  private KmsClient client;

  @BeforeEach
  void start() throws Exception {
    kms = new FakeKms();
    client =
        KmsClients.create(
            new AwsClientSettings(
                Optional.of(kms.endpoint()),
                Region.EU_WEST_1,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")),
                4,
                Duration.ofMillis(5),
                Duration.ofMillis(20)));
  }

  @AfterEach
  void stop() {
    client.close();
    kms.close();
  }

  @Test
  void signsDigestsThatVerifyLowS() throws Exception {
    KmsSigner signer = new KmsSigner(client, "key-1", "alias/kivyx-ota-prod-v1");
    assertThat(signer.publicKey()).isEqualTo(kms.key.getPublic());
    CoseVerifier verifier = new CoseVerifier(Map.of(signer.kid(), signer.publicKey()));
    for (int i = 0; i < 30; i++) {
      byte[] payload = ("{\"version\":" + i + "}").getBytes();
      // Random KMS nonces give high S about half the time; each must come out low.
      assertThat(verifier.verify(CoseSign1.sign(signer, TYPE, payload), TYPE).payload()).isEqualTo(payload);
    }
    assertThat(kms.lastMessageType).isEqualTo("DIGEST");
    assertThat(kms.lastMessageLength).isEqualTo(32);
  }

  @Test
  void retriesThrottlingAndServerErrors() {
    KmsSigner signer = new KmsSigner(client, "key-1", "k");
    kms.failNext(400, "ThrottlingException", "Rate exceeded");
    kms.failNext(500, "KMSInternalException", "try again");
    kms.failNext(503, "ServiceUnavailableException", "busy");
    byte[] rs = signer.sign("data".getBytes());
    assertThat(rs).hasSize(64);
    assertThat(kms.targets()).containsExactly(
        "TrentService.GetPublicKey", "TrentService.Sign", "TrentService.Sign", "TrentService.Sign", "TrentService.Sign");
  }

  @Test
  void reportsWhenThrottlingOutlastsTheRetries() {
    KmsSigner signer = new KmsSigner(client, "key-1", "k");
    for (int i = 0; i < 4; i++) {
      kms.failNext(400, "ThrottlingException", "Rate exceeded");
    }
    assertThatThrownBy(() -> signer.sign("data".getBytes()))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("ThrottlingException")
        .hasMessageContaining("key-1");
  }

  @Test
  void reportsErrorsWithoutRetrying() {
    KmsSigner signer = new KmsSigner(client, "key-1", "k");
    kms.failNext(400, "DisabledException", "key-1 is disabled");
    assertThatThrownBy(() -> signer.sign("data".getBytes()))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("DisabledException")
        .hasMessageContaining("is disabled");
    assertThat(kms.targets()).containsExactly("TrentService.GetPublicKey", "TrentService.Sign");
  }

  @Test
  void refusesAMissingOrWrongKindOfKeyAtStart() {
    kms.failNext(400, "NotFoundException", "Key 'arn:...' does not exist");
    assertThatThrownBy(() -> new KmsSigner(client, "missing", "k"))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("NotFoundException");
    kms.keySpec = "RSA_2048";
    assertThatThrownBy(() -> new KmsSigner(client, "rsa", "k")).hasMessageContaining("ECC_NIST_P256");
  }

  @Test
  void refusesASignatureThatDoesNotMatchThePublicKey() throws Exception {
    KmsSigner signer = new KmsSigner(client, "key-1", "k");
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    kms.signWith = generator.generateKeyPair();
    assertThatThrownBy(() -> signer.sign("data".getBytes())).hasMessageContaining("does not verify");
  }

  @Test
  void reportsAnUnreachableEndpoint() throws Exception {
    kms.close();
    assertThatThrownBy(() -> new KmsSigner(client, "key-1", "k"))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("could not reach AWS KMS");
  }

  @Test
  void factoryOpensKmsKeys() {
    SignerFactory factory = new SignerFactory(Map.of(), keyId -> client);
    Signer signer = factory.open("kms:alias/kivyx-ota-prod-v1", Optional.empty());
    assertThat(signer.kid()).isEqualTo("alias/kivyx-ota-prod-v1");
    assertThat((ECPublicKey) signer.publicKey()).isEqualTo(kms.key.getPublic());
  }
}
