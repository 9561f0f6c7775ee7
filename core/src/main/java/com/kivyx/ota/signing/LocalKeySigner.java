package com.kivyx.ota.signing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.math.BigInteger;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

/**
 * Signs with a P-256 private key held in memory. Nonces are deterministic (RFC 6979), so the
 * same key and bytes always give the same signature: no dependence on a good random source at
 * signing time, and golden vectors that regenerate byte for byte.
 */
public final class LocalKeySigner implements Signer {
  private final String kid;
  private final ECPublicKey publicKey;
  private final ECPrivateKeyParameters privateKey;

  public LocalKeySigner(String kid, ECPrivateKey key) {
    if (kid == null || kid.isBlank()) {
      throw new IllegalArgumentException("a signing key needs a name (kid)");
    }
    P256.requireP256(key);
    this.kid = kid;
    this.publicKey = PemKeys.publicKeyOf(key);
    this.privateKey = new ECPrivateKeyParameters(key.getS(), Es256.DOMAIN);
  }

  @Override
  public String kid() {
    return kid;
  }

  @Override
  public ECPublicKey publicKey() {
    return publicKey;
  }

  @Override
  public byte[] sign(byte[] data) {
    ECDSASigner ecdsa = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    ecdsa.init(true, privateKey);
    BigInteger[] rs = ecdsa.generateSignature(sha256(data));
    byte[] out = new byte[64];
    System.arraycopy(Es256.unsigned32(rs[0]), 0, out, 0, 32);
    System.arraycopy(Es256.unsigned32(rs[1]), 0, out, 32, 32);
    return Es256.normaliseLowS(out);
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
