package com.kivyx.ota.expo;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An Expo code-signing key: signs manifest and directive bodies with {@code rsa-v1_5-sha256}
 * (RSASSA-PKCS1-v1_5 with SHA-256) and spells the {@code expo-signature} header.
 *
 * @param keyid the name the app's {@code codeSigningMetadata.keyid} expects (Expo's default is "root")
 * @param certificateChain PEM certificates, leaf first, served in the {@code certificate_chain} part
 */
public record ExpoCodeSigning(PrivateKey key, String keyid, Optional<String> certificateChain) {
  public static final String ALG = "rsa-v1_5-sha256";
  /** An SFV string may hold these without escapes; keyids are names, not prose. */
  private static final Pattern KEYID = Pattern.compile("[A-Za-z0-9._~-]{1,128}");

  public ExpoCodeSigning {
    if (!(key instanceof RSAPrivateKey)) {
      throw new ExpoException("an Expo code-signing key must be an RSA private key (expo-updates verifies rsa-v1_5-sha256 only)");
    }
    if (!KEYID.matcher(keyid).matches()) {
      throw new ExpoException("the Expo keyid must be 1-128 letters, digits, '.', '_', '~' or '-', got '" + keyid + "'");
    }
  }

  /** The value of the {@code expo-signature} header (an Expo SFV dictionary) for these exact bytes. */
  public String signatureHeader(byte[] body) {
    return "sig=\"" + sign(body) + "\", keyid=\"" + keyid + "\", alg=\"" + ALG + "\"";
  }

  String sign(byte[] body) {
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(key);
      rsa.update(body);
      return Base64.getEncoder().encodeToString(rsa.sign());
    } catch (GeneralSecurityException e) {
      throw new ExpoException("cannot sign with the Expo code-signing key: " + e.getMessage(), e);
    }
  }

  public String signatureHeader(String body) {
    return signatureHeader(body.getBytes(StandardCharsets.UTF_8));
  }
}
