package com.kivyx.ota.codepush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodeSigningTest {
  @TempDir Path dir;

  private static KeyPair rsa(int bits) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(bits);
    return generator.generateKeyPair();
  }

  /** What the clients' JWT library checks: RS256 over header.claims with the pinned key. */
  private static boolean verifies(String jwt, PublicKey key) throws Exception {
    String[] parts = jwt.split("\\.");
    Signature rs256 = Signature.getInstance("SHA256withRSA");
    rs256.initVerify(key);
    rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    return rs256.verify(Base64.getUrlDecoder().decode(parts[2]));
  }

  @Test
  void aSignedPackageCarriesAJwtOverItsOwnHashThatTheHashLeavesOut() throws Exception {
    KeyPair key = rsa(2048);
    Path bundle = Files.writeString(dir.resolve("b.js"), "console.log(1)");
    Path logo = Files.writeString(dir.resolve("logo.png"), "png");
    List<CodePushPackager.PackageFile> assets = List.of(new CodePushPackager.PackageFile("assets/logo.png", logo));
    CodePushPackager.BuiltPackage unsigned = CodePushPackager.build("main.jsbundle", bundle, assets);
    CodePushPackager.BuiltPackage signed = CodePushPackager.build("main.jsbundle", bundle, assets, Optional.of((RSAPrivateKey) key.getPrivate()));
    assertThat(signed.packageHash()).isEqualTo(unsigned.packageHash());
    assertThat(PackageHash.ofZip(Files.readAllBytes(signed.zip()))).isEqualTo(signed.packageHash());

    String jwt;
    try (ZipFile zip = new ZipFile(signed.zip().toFile())) {
      jwt = new String(zip.getInputStream(zip.getEntry("CodePush/.codepushrelease")).readAllBytes(), StandardCharsets.US_ASCII);
    }
    String[] parts = jwt.split("\\.");
    assertThat(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8)).isEqualTo("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
    assertThat(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8))
        .isEqualTo("{\"claimVersion\":\"1.0.0\",\"contentHash\":\"" + signed.packageHash() + "\"}");
    assertThat(verifies(jwt, key.getPublic())).isTrue();
    assertThat(verifies(jwt, rsa(2048).getPublic())).isFalse();

    CodePushPackager.BuiltPackage again = CodePushPackager.build("main.jsbundle", bundle, assets, Optional.of((RSAPrivateKey) key.getPrivate()));
    assertThat(Files.readAllBytes(again.zip())).isEqualTo(Files.readAllBytes(signed.zip()));
  }

  @Test
  void readsPkcs8KeysAndRefusesWeakOrOtherOnes() throws Exception {
    KeyPair key = rsa(2048);
    Path pem = dir.resolve("key.pem");
    Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    assertThat(CodeSigning.readKey(pem).getModulus()).isEqualTo(((RSAPrivateKey) key.getPrivate()).getModulus());

    Path weak = dir.resolve("weak.pem");
    Files.writeString(weak, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(rsa(1024).getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> CodeSigning.readKey(weak)).hasMessageContaining("2048 bits");
    Path pkcs1 = Files.writeString(dir.resolve("pkcs1.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    assertThatThrownBy(() -> CodeSigning.readKey(pkcs1)).hasMessageContaining("openssl pkcs8");
    Path ec = dir.resolve("ec.pem");
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    Files.writeString(ec, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(generator.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> CodeSigning.readKey(ec)).hasMessageContaining("not an RSA private key");
  }
}
