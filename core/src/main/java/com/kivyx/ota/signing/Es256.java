package com.kivyx.ota.signing;

import java.math.BigInteger;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;

/** ECDSA P-256 with SHA-256 as COSE writes it: 64 bytes {@code r || s}, low S. */
public final class Es256 {
  /** The order n of the P-256 group. */
  public static final BigInteger N =
      new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

  private static final BigInteger HALF_N = N.shiftRight(1);
  private static final X9ECParameters CURVE = ECNamedCurveTable.getByName("secp256r1");
  static final ECDomainParameters DOMAIN =
      new ECDomainParameters(CURVE.getCurve(), CURVE.getG(), CURVE.getN(), CURVE.getH());
  public static final int SIGNATURE_LENGTH = 64;

  private Es256() {}

  /** Whether low S is required; only the reference-comparison tests turn it off. */
  public enum LowS {
    REQUIRED,
    NOT_REQUIRED
  }

  /** Verifies {@code signature} over {@code data}, or says why not. */
  public static void verify(ECPublicKey key, byte[] data, byte[] signature, LowS lowS)
      throws CoseRejectedException {
    if (signature.length != SIGNATURE_LENGTH) {
      throw new CoseRejectedException(
          RejectReason.BAD_SIGNATURE_LENGTH,
          "signature is " + signature.length + " bytes, ES256 needs 64 (r || s)");
    }
    BigInteger r = new BigInteger(1, Arrays.copyOfRange(signature, 0, 32));
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
    if (r.signum() == 0 || s.signum() == 0 || r.compareTo(N) >= 0 || s.compareTo(N) >= 0) {
      throw new CoseRejectedException(RejectReason.BAD_SIGNATURE, "r or s outside [1, n-1]");
    }
    if (lowS == LowS.REQUIRED && s.compareTo(HALF_N) > 0) {
      throw new CoseRejectedException(
          RejectReason.HIGH_S, "s is above n/2; signers must normalise to low S");
    }
    // Bouncy Castle rather than the JDK: JDK 17's SunEC refuses valid signatures whose k·G
    // has an x-coordinate above n (Wycheproof tcId 115).
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, new ECPublicKeyParameters(
        CURVE.getCurve().createPoint(key.getW().getAffineX(), key.getW().getAffineY()), DOMAIN));
    if (!verifier.verifySignature(LocalKeySigner.sha256(data), r, s)) {
      throw new CoseRejectedException(
          RejectReason.BAD_SIGNATURE, "signature does not verify with the pinned key");
    }
  }

  /** Replaces a high S by {@code n - s}: both verify, only the low one is accepted. */
  public static byte[] normaliseLowS(byte[] rs) {
    requireLength(rs);
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(rs, 32, 64));
    if (s.compareTo(HALF_N) <= 0) {
      return rs.clone();
    }
    byte[] out = Arrays.copyOf(rs, 64);
    System.arraycopy(unsigned32(N.subtract(s)), 0, out, 32, 32);
    return out;
  }

  /** Converts an ASN.1 DER {@code SEQUENCE {INTEGER r, INTEGER s}} (what KMS returns). */
  public static byte[] derToRs(byte[] der) {
    try {
      int[] pos = {0};
      expect(der, pos, 0x30);
      int seqLength = readDerLength(der, pos);
      if (seqLength != der.length - pos[0]) {
        throw new IllegalArgumentException("DER sequence length does not match the input");
      }
      BigInteger r = readDerInteger(der, pos);
      BigInteger s = readDerInteger(der, pos);
      if (pos[0] != der.length) {
        throw new IllegalArgumentException("bytes after the DER signature");
      }
      byte[] out = new byte[64];
      System.arraycopy(unsigned32(r), 0, out, 0, 32);
      System.arraycopy(unsigned32(s), 0, out, 32, 32);
      return out;
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("truncated DER signature", e);
    }
  }

  private static BigInteger readDerInteger(byte[] der, int[] pos) {
    expect(der, pos, 0x02);
    int length = readDerLength(der, pos);
    if (length < 1 || length > 33) {
      throw new IllegalArgumentException("DER integer of " + length + " bytes for P-256");
    }
    BigInteger value = new BigInteger(Arrays.copyOfRange(der, pos[0], pos[0] + length));
    pos[0] += length;
    if (value.signum() <= 0 || value.compareTo(N) >= 0) {
      throw new IllegalArgumentException("DER integer outside [1, n-1]");
    }
    return value;
  }

  private static int readDerLength(byte[] der, int[] pos) {
    int first = der[pos[0]++] & 0xff;
    if (first < 0x80) {
      return first;
    }
    if (first == 0x81) {
      return der[pos[0]++] & 0xff;
    }
    throw new IllegalArgumentException("DER length form 0x" + Integer.toHexString(first));
  }

  private static void expect(byte[] der, int[] pos, int tag) {
    if ((der[pos[0]++] & 0xff) != tag) {
      throw new IllegalArgumentException("expected DER tag 0x" + Integer.toHexString(tag));
    }
  }

  /** The value as exactly 32 unsigned big-endian bytes. */
  public static byte[] unsigned32(BigInteger value) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[32];
    int copy = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
    return out;
  }

  private static void requireLength(byte[] rs) {
    if (rs.length != SIGNATURE_LENGTH) {
      throw new IllegalArgumentException("an ES256 signature is 64 bytes, got " + rs.length);
    }
  }
}
