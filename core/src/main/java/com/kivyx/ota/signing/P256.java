package com.kivyx.ota.signing;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.HexFormat;

/** The P-256 curve: raw public key points, and the checks that a key really is on it. */
public final class P256 {
  private static final BigInteger P =
      new BigInteger("FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF", 16);
  private static final BigInteger B =
      new BigInteger("5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B", 16);

  private P256() {}

  public static ECParameterSpec parameters() {
    try {
      AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
      params.init(new ECGenParameterSpec("secp256r1"));
      return params.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no P-256 support", e);
    }
  }

  /** A fresh signing key pair. */
  public static java.security.KeyPair newKeyPair() {
    try {
      java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no P-256 support", e);
    }
  }

  /** Parses an uncompressed point {@code 04 || X || Y} (65 bytes, as hex). */
  public static ECPublicKey publicKeyFromRawHex(String hex) {
    byte[] raw;
    try {
      raw = HexFormat.of().parseHex(hex.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("public key is not hex: " + e.getMessage(), e);
    }
    if (raw.length != 65 || raw[0] != 0x04) {
      throw new IllegalArgumentException(
          "a raw P-256 public key is 65 bytes starting with 04 (uncompressed), got "
              + raw.length
              + " bytes");
    }
    BigInteger x = new BigInteger(1, java.util.Arrays.copyOfRange(raw, 1, 33));
    BigInteger y = new BigInteger(1, java.util.Arrays.copyOfRange(raw, 33, 65));
    return publicKey(x, y);
  }

  public static ECPublicKey publicKey(BigInteger x, BigInteger y) {
    requireOnCurve(x, y);
    try {
      return (ECPublicKey)
          KeyFactory.getInstance("EC")
              .generatePublic(new ECPublicKeySpec(new ECPoint(x, y), parameters()));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a P-256 public key: " + e.getMessage(), e);
    }
  }

  public static String rawHex(ECPublicKey key) {
    ECPoint w = key.getW();
    byte[] raw = new byte[65];
    raw[0] = 0x04;
    System.arraycopy(Es256.unsigned32(w.getAffineX()), 0, raw, 1, 32);
    System.arraycopy(Es256.unsigned32(w.getAffineY()), 0, raw, 33, 32);
    return HexFormat.of().formatHex(raw);
  }

  /** Refuses keys of other curves (a P-384 key would otherwise verify nothing, silently). */
  public static void requireP256(ECKey key) {
    if (!key.getParams().getOrder().equals(Es256.N)
        || !key.getParams().getCurve().getField().equals(parameters().getCurve().getField())) {
      throw new IllegalArgumentException("the key is not on curve P-256 (secp256r1)");
    }
  }

  /** The JDK's key factory does not check this, and an off-curve point enables attacks. */
  static void requireOnCurve(BigInteger x, BigInteger y) {
    if (x.signum() < 0 || y.signum() < 0 || x.compareTo(P) >= 0 || y.compareTo(P) >= 0) {
      throw new IllegalArgumentException("public key coordinates outside the P-256 field");
    }
    BigInteger left = y.multiply(y).mod(P);
    BigInteger right = x.pow(3).subtract(x.multiply(BigInteger.valueOf(3))).add(B).mod(P);
    if (!left.equals(right)) {
      throw new IllegalArgumentException("public key point is not on curve P-256");
    }
  }
}
