package com.kivyx.ota.codepush;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * CodePush code signing: the {@code CodePush/.codepushrelease} file is a JWT, RS256, with the
 * claims {@code {"claimVersion":"1.0.0","contentHash":<package hash>}}. A client configured
 * with {@code CodePushPublicKey} checks its signature and that {@code contentHash} is the
 * package hash it computes. No {@code iat}: the clients do not read it, and without it the
 * same package always gets the same bytes (RSA PKCS#1 v1.5 signatures are deterministic).
 */
public final class CodeSigning {
  private CodeSigning() {}

  public static String jwt(String packageHash, RSAPrivateKey key) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    String claims = b64.encodeToString(("{\"claimVersion\":\"1.0.0\",\"contentHash\":\"" + packageHash + "\"}").getBytes(StandardCharsets.UTF_8));
    try {
      Signature rs256 = Signature.getInstance("SHA256withRSA");
      rs256.initSign(key);
      rs256.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
      return header + "." + claims + "." + b64.encodeToString(rs256.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot sign the CodePush package with this RSA key: " + e.getMessage(), e);
    }
  }

  /** A PKCS#8 PEM RSA private key ({@code openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048}). */
  public static RSAPrivateKey readKey(Path pem) throws IOException {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    if (text.contains("BEGIN RSA PRIVATE KEY")) {
      throw new IllegalArgumentException(
          pem + " is a PKCS#1 key; convert it with 'openssl pkcs8 -topk8 -nocrypt -in " + pem.getFileName() + " -out key.pk8.pem'");
    }
    int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = text.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(pem + " holds no PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)");
    }
    byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
    try {
      if (KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der)) instanceof RSAPrivateCrtKey key) {
        if (key.getModulus().bitLength() < 2048) {
          throw new IllegalArgumentException(pem + " is a " + key.getModulus().bitLength() + "-bit RSA key; use 2048 bits or more");
        }
        return key;
      }
      throw new IllegalArgumentException(pem + " is not an RSA private key");
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(pem + " is not an RSA private key: " + e.getMessage(), e);
    }
  }
}
