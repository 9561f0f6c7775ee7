package com.kivyx.ota.testing;

import com.kivyx.ota.signing.Es256;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.signing.PemKeys;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Fixed P-256 keys for tests and golden vectors: derived from a name, so they never change. */
public final class TestKeys {
  private TestKeys() {}

  /** A signer whose private scalar is {@code SHA-256("kivyx-ota test key " + name) mod n}. */
  public static LocalKeySigner signer(String name) {
    return new LocalKeySigner(name, PemKeys.privateKeyFromScalar(scalar(name)));
  }

  private static BigInteger scalar(String name) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(("kivyx-ota test key " + name).getBytes(StandardCharsets.UTF_8));
      return new BigInteger(1, hash).mod(Es256.N.subtract(BigInteger.ONE)).add(BigInteger.ONE);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
