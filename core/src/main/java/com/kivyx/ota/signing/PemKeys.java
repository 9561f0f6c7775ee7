package com.kivyx.ota.signing;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.math.ec.ECPoint;

/** Reads and writes P-256 keys as PEM: PKCS#8 private keys and SPKI public keys. */
public final class PemKeys {
  private static final String PRIVATE = "PRIVATE KEY";
  private static final String PUBLIC = "PUBLIC KEY";

  private PemKeys() {}

  public static ECPrivateKey privateKey(String pem) {
    if (pem.contains("BEGIN EC PRIVATE KEY") || pem.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
      throw new SigningException(
          "the key is not an unencrypted PKCS#8 PEM; convert it with "
              + "'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8.pem'");
    }
    byte[] der = body(pem, PRIVATE);
    try {
      PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
      ECPrivateKey ec = (ECPrivateKey) key;
      P256.requireP256(ec);
      return ec;
    } catch (GeneralSecurityException | ClassCastException | IllegalArgumentException e) {
      throw new SigningException("not a P-256 PKCS#8 private key: " + e.getMessage(), e);
    }
  }

  public static ECPublicKey publicKey(String pem) {
    byte[] der = body(pem, PUBLIC);
    return publicKeyFromSpki(der);
  }

  public static ECPublicKey publicKeyFromSpki(byte[] der) {
    try {
      PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
      ECPublicKey ec = (ECPublicKey) key;
      P256.requireP256(ec);
      P256.requireOnCurve(ec.getW().getAffineX(), ec.getW().getAffineY());
      return ec;
    } catch (GeneralSecurityException | ClassCastException | IllegalArgumentException e) {
      throw new SigningException("not a P-256 SubjectPublicKeyInfo: " + e.getMessage(), e);
    }
  }

  /** The public key that belongs to a private key: Q = d·G. */
  public static ECPublicKey publicKeyOf(ECPrivateKey privateKey) {
    ECPoint q =
        ECNamedCurveTable.getByName("secp256r1").getG().multiply(privateKey.getS()).normalize();
    return P256.publicKey(
        q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
  }

  /** A private key from its scalar; used for fixed test keys. */
  public static ECPrivateKey privateKeyFromScalar(BigInteger d) {
    try {
      return (ECPrivateKey)
          KeyFactory.getInstance("EC")
              .generatePrivate(new java.security.spec.ECPrivateKeySpec(d, P256.parameters()));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(e);
    }
  }

  public static String privateKeyPem(ECPrivateKey key) {
    return pem(PRIVATE, key.getEncoded());
  }

  public static String publicKeyPem(ECPublicKey key) {
    return pem(PUBLIC, key.getEncoded());
  }

  private static String pem(String label, byte[] der) {
    String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + base64 + "\n-----END " + label + "-----\n";
  }

  private static byte[] body(String pem, String label) {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int start = pem.indexOf(begin);
    int stop = pem.indexOf(end);
    if (start < 0 || stop < start) {
      throw new SigningException("expected a PEM block '" + begin + "'");
    }
    String base64 = pem.substring(start + begin.length(), stop).replaceAll("\\s", "");
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new SigningException("the PEM block is not valid base64", e);
    }
  }
}
