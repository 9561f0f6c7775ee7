package com.kivyx.ota.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKeysTest {
  private static KeyPair generate(String curve) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec(curve));
    return generator.generateKeyPair();
  }

  @Test
  void pemRoundTripAndPublicKeyDerivation() throws Exception {
    KeyPair pair = generate("secp256r1");
    ECPrivateKey read = PemKeys.privateKey(PemKeys.privateKeyPem((ECPrivateKey) pair.getPrivate()));
    assertThat(PemKeys.publicKeyOf(read)).isEqualTo(pair.getPublic());
    ECPublicKey publicKey = PemKeys.publicKey(PemKeys.publicKeyPem((ECPublicKey) pair.getPublic()));
    assertThat(P256.publicKeyFromRawHex(P256.rawHex(publicKey))).isEqualTo(pair.getPublic());
    assertThat(P256.rawHex(publicKey)).startsWith("04").hasSize(130);
  }

  @Test
  void signaturesVerifyWithTheJdk() throws Exception {
    KeyPair pair = generate("secp256r1");
    LocalKeySigner signer = new LocalKeySigner("k", (ECPrivateKey) pair.getPrivate());
    for (int i = 0; i < 50; i++) {
      byte[] data = ("message " + i).getBytes();
      byte[] rs = signer.sign(data);
      Es256.verify((ECPublicKey) pair.getPublic(), data, rs, Es256.LowS.REQUIRED);
    }
  }

  @Test
  void refusesOtherCurvesAndFormats() throws Exception {
    KeyPair p384 = generate("secp384r1");
    assertThatThrownBy(() -> PemKeys.privateKey(PemKeys.privateKeyPem((ECPrivateKey) p384.getPrivate())))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("P-256");
    assertThatThrownBy(() -> PemKeys.publicKey(PemKeys.publicKeyPem((ECPublicKey) p384.getPublic())))
        .isInstanceOf(SigningException.class);
    assertThatThrownBy(() -> PemKeys.privateKey("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n"))
        .hasMessageContaining("openssl pkcs8 -topk8");
    assertThatThrownBy(() -> PemKeys.privateKey("not a pem")).hasMessageContaining("BEGIN PRIVATE KEY");
    assertThatThrownBy(() -> PemKeys.privateKey("-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----"))
        .hasMessageContaining("base64");
  }

  @Test
  void refusesPointsOffTheCurve() throws Exception {
    String good = P256.rawHex((ECPublicKey) generate("secp256r1").getPublic());
    String offCurve = good.substring(0, 128) + (good.charAt(128) == '0' ? "1" : "0") + good.charAt(129);
    assertThatThrownBy(() -> P256.publicKeyFromRawHex(offCurve)).hasMessageContaining("not on curve");
    assertThatThrownBy(() -> P256.publicKeyFromRawHex("02" + good.substring(2, 66))).hasMessageContaining("65 bytes");
    assertThatThrownBy(() -> P256.publicKeyFromRawHex("zz")).hasMessageContaining("hex");
  }

  @Test
  void factoryOpensFilesAndEnvironmentVariables(@TempDir Path dir) throws Exception {
    KeyPair pair = generate("secp256r1");
    String pem = PemKeys.privateKeyPem((ECPrivateKey) pair.getPrivate());
    Path file = dir.resolve("prod-v1.key.pem");
    Files.writeString(file, pem);
    SignerFactory factory =
        new SignerFactory(Map.of("OTA_KEY", pem), keyId -> { throw new AssertionError("no KMS here"); });
    Signer fromFile = factory.open(file.toString(), Optional.empty());
    assertThat(fromFile.kid()).isEqualTo("prod-v1");
    assertThat(fromFile.publicKey()).isEqualTo(pair.getPublic());
    Signer fromEnv = factory.open("env:OTA_KEY", Optional.of("alias/prod"));
    assertThat(fromEnv.kid()).isEqualTo("alias/prod");
    assertThat(fromEnv.publicKey()).isEqualTo(pair.getPublic());
    assertThatThrownBy(() -> factory.open("env:MISSING", Optional.empty())).hasMessageContaining("MISSING is not set");
    assertThatThrownBy(() -> factory.open(dir.resolve("nope.pem").toString(), Optional.empty())).hasMessageContaining("does not exist");
    assertThatThrownBy(() -> factory.open("kms:", Optional.empty())).hasMessageContaining("needs a key id");
  }

  @Test
  void derConversionAndLowS() {
    byte[] der = {0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x07};
    byte[] rs = Es256.derToRs(der);
    assertThat(rs[31]).isEqualTo((byte) 5);
    assertThat(rs[63]).isEqualTo((byte) 7);
    assertThatThrownBy(() -> Es256.derToRs(new byte[] {0x30, 0x06, 0x02, 0x01, 0x05})).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Es256.derToRs(new byte[] {0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x07}))
        .hasMessageContaining("outside");
    byte[] withTrailing = {0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x07, 0x00};
    assertThatThrownBy(() -> Es256.derToRs(withTrailing)).isInstanceOf(IllegalArgumentException.class);
  }
}
