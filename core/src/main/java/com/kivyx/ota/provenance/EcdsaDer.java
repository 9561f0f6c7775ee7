package com.kivyx.ota.provenance;

import com.kivyx.ota.signing.Es256;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.Arrays;

/** ECDSA P-256 signatures between COSE's {@code r‖s} and the ASN.1 DER that DSSE and Rekor use. */
public final class EcdsaDer {
  private EcdsaDer() {}

  public static byte[] fromRs(byte[] rs) {
    if (rs.length != Es256.SIGNATURE_LENGTH) {
      throw new IllegalArgumentException("an r||s signature is 64 bytes, got " + rs.length);
    }
    byte[] r = integer(new BigInteger(1, Arrays.copyOfRange(rs, 0, 32)));
    byte[] s = integer(new BigInteger(1, Arrays.copyOfRange(rs, 32, 64)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    out.write(r.length + s.length); // at most 2 * 35 bytes: short-form length
    out.writeBytes(r);
    out.writeBytes(s);
    return out.toByteArray();
  }

  private static byte[] integer(BigInteger value) {
    byte[] magnitude = value.toByteArray(); // two's complement: a leading 0 when the top bit is set
    byte[] out = new byte[magnitude.length + 2];
    out[0] = 0x02;
    out[1] = (byte) magnitude.length;
    System.arraycopy(magnitude, 0, out, 2, magnitude.length);
    return out;
  }
}
