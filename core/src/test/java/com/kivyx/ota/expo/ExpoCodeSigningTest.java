package com.kivyx.ota.expo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ExpoCodeSigningTest {
  private static final ExpoKeys.Generated KEYS = ExpoKeys.generate("test", Duration.ofDays(30), Instant.now());

  @Test
  void signatureHeaderVerifiesOverTheExactBytesAndNothingElse() throws Exception {
    ExpoCodeSigning signing = new ExpoCodeSigning(ExpoKeys.readPrivateKey(KEYS.privateKeyPem()), "main", Optional.empty());
    String body = "{\"id\":\"x\",\"note\":\"ü\"}";
    String header = signing.signatureHeader(body);
    Matcher m = Pattern.compile("sig=\"([A-Za-z0-9+/=]+)\", keyid=\"main\", alg=\"rsa-v1_5-sha256\"").matcher(header);
    assertThat(m.matches()).as(header).isTrue();
    byte[] sig = Base64.getDecoder().decode(m.group(1));
    assertThat(verify(KEYS.certificate(), body.getBytes(StandardCharsets.UTF_8), sig)).isTrue();
    assertThat(verify(KEYS.certificate(), (body + " ").getBytes(StandardCharsets.UTF_8), sig)).isFalse();
  }

  @Test
  void certificateIsWhatExpoUpdatesChecks() throws Exception {
    X509Certificate cert = ExpoKeys.readCertificates(KEYS.certificatePem()).get(0);
    cert.verify(cert.getPublicKey()); // self-signed: it is the root the app embeds
    cert.checkValidity();
    assertThat(cert.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(cert.getCriticalExtensionOIDs()).contains("2.5.29.15");
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.3");
    assertThat(cert.getSigAlgOID()).as("sha256WithRSAEncryption").isEqualTo("1.2.840.113549.1.1.11");
  }

  @Test
  void readsPkcs1AndPkcs8KeysAndRefusesOthers() throws Exception {
    assertThat(KEYS.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
    String pkcs1 = toPkcs1(KEYS);
    assertThat(pkcs1).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(ExpoKeys.readPrivateKey(pkcs1).getEncoded()).isEqualTo(ExpoKeys.readPrivateKey(KEYS.privateKeyPem()).getEncoded());
    assertThatThrownBy(() -> ExpoKeys.readPrivateKey(KEYS.certificatePem())).isInstanceOf(ExpoException.class);
    assertThatThrownBy(() -> ExpoKeys.readPrivateKey("nothing here")).isInstanceOf(ExpoException.class);
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    assertThatThrownBy(() -> new ExpoCodeSigning(ec.generateKeyPair().getPrivate(), "main", Optional.empty()))
        .isInstanceOf(ExpoException.class)
        .hasMessageContaining("RSA");
    for (String keyid : List.of("", "a\"b", "a b")) {
      assertThatThrownBy(() -> new ExpoCodeSigning(KEYS.keyPair().getPrivate(), keyid, Optional.empty())).isInstanceOf(ExpoException.class);
    }
  }

  private static boolean verify(X509Certificate cert, byte[] body, byte[] sig) throws Exception {
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initVerify(cert.getPublicKey());
    rsa.update(body);
    return rsa.verify(sig);
  }

  private static String toPkcs1(ExpoKeys.Generated keys) throws Exception {
    java.io.StringWriter out = new java.io.StringWriter();
    try (org.bouncycastle.openssl.jcajce.JcaPEMWriter w = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(out)) {
      w.writeObject(keys.keyPair().getPrivate());
    }
    return out.toString();
  }
}
