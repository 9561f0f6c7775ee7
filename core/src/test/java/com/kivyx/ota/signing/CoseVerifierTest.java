package com.kivyx.ota.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kivyx.ota.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Each profile rule broken on its own. The golden vectors cover the same rules as data for
 * the TypeScript client; these tests say which rule each one is.
 */
class CoseVerifierTest {
  private static final String TYPE = "application/vnd.kivyx.ota.channel-index+json";
  private static final byte[] PAYLOAD = "{\"schema\":\"x\"}".getBytes(StandardCharsets.UTF_8);

  private final Signer signer = TestKeys.signer("alias/unit-v1");
  private final Signer stranger = TestKeys.signer("alias/stranger");
  private final CoseVerifier verifier = new CoseVerifier(Map.of(signer.kid(), signer.publicKey()));

  @Test
  void acceptsWhatItSigned() throws Exception {
    VerifiedDocument doc = verifier.verify(CoseSign1.sign(signer, TYPE, PAYLOAD), TYPE);
    assertThat(doc.payload()).isEqualTo(PAYLOAD);
    assertThat(doc.kid()).isEqualTo("alias/unit-v1");
    assertThat(doc.contentType()).isEqualTo(TYPE);
  }

  @Test
  void signingIsDeterministicAndLowS() {
    byte[] a = CoseSign1.sign(signer, TYPE, PAYLOAD);
    assertThat(CoseSign1.sign(signer, TYPE, PAYLOAD)).isEqualTo(a);
    byte[] rs = Arrays.copyOfRange(a, a.length - 64, a.length);
    assertThat(Es256.normaliseLowS(rs)).isEqualTo(rs);
  }

  @Test
  void refusesEveryTamperedByte() {
    byte[] good = CoseSign1.sign(signer, TYPE, PAYLOAD);
    for (int i = 0; i < good.length; i++) {
      for (int bit : new int[] {0x01, 0x80}) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) bit;
        assertThatThrownBy(() -> verifier.verify(bad, TYPE))
            .as("byte %d bit %x", i, bit)
            .isInstanceOf(CoseRejectedException.class);
      }
    }
  }

  @Test
  void refusesTamperedPayload() {
    byte[] header = CoseSign1.protectedHeader(TYPE, signer.kid());
    byte[] signature = signer.sign(CoseSign1.toBeSigned(header, PAYLOAD));
    byte[] other = "{\"schema\":\"y\"}".getBytes(StandardCharsets.UTF_8);
    expect(() -> verifier.verify(sign1(header, other, signature), TYPE), RejectReason.BAD_SIGNATURE);
  }

  @Test
  void refusesUntaggedAndWrongTag() {
    byte[] good = CoseSign1.sign(signer, TYPE, PAYLOAD);
    expect(() -> verifier.verify(Arrays.copyOfRange(good, 1, good.length), TYPE), RejectReason.NOT_TAGGED);
    byte[] mac0 = good.clone();
    mac0[0] = (byte) 0xd1;
    expect(() -> verifier.verify(mac0, TYPE), RejectReason.WRONG_TAG);
  }

  @Test
  void refusesOtherAlgorithms() {
    byte[] es384 = header(1, -35, 3, TYPE, 4, signer.kid());
    expect(() -> verifier.verify(signed(es384, new byte[] {(byte) 0xa0}), TYPE), RejectReason.UNSUPPORTED_ALG);
    byte[] noAlg = new CborWriter().mapHeader(2).integer(3).text(TYPE).integer(4).bytes(kid(signer.kid())).toByteArray();
    expect(() -> verifier.verify(signed(noAlg, new byte[] {(byte) 0xa0}), TYPE), RejectReason.UNSUPPORTED_ALG);
    byte[] algInUnprotected = new CborWriter().mapHeader(1).integer(1).integer(-7).toByteArray();
    expect(() -> verifier.verify(signed(noAlg, algInUnprotected), TYPE), RejectReason.ALG_NOT_PROTECTED);
  }

  @Test
  void refusesUnknownKidAndWrongKey() {
    expect(() -> verifier.verify(CoseSign1.sign(stranger, TYPE, PAYLOAD), TYPE), RejectReason.UNKNOWN_KID);
    byte[] header = CoseSign1.protectedHeader(TYPE, signer.kid());
    byte[] forged = stranger.sign(CoseSign1.toBeSigned(header, PAYLOAD));
    expect(() -> verifier.verify(sign1(header, PAYLOAD, forged), TYPE), RejectReason.BAD_SIGNATURE);
  }

  @Test
  void refusesWrongContentType() {
    byte[] manifest = CoseSign1.sign(signer, "application/vnd.kivyx.ota.release+json", PAYLOAD);
    expect(() -> verifier.verify(manifest, TYPE), RejectReason.WRONG_CONTENT_TYPE);
    byte[] numericType = new CborWriter().mapHeader(3).integer(1).integer(-7).integer(3).integer(50).integer(4).bytes(kid(signer.kid())).toByteArray();
    expect(() -> verifier.verify(signed(numericType, new byte[] {(byte) 0xa0}), TYPE), RejectReason.WRONG_CONTENT_TYPE);
  }

  @Test
  void refusesHighS() {
    byte[] header = CoseSign1.protectedHeader(TYPE, signer.kid());
    byte[] low = signer.sign(CoseSign1.toBeSigned(header, PAYLOAD));
    byte[] high = low.clone();
    java.math.BigInteger s = new java.math.BigInteger(1, Arrays.copyOfRange(low, 32, 64));
    System.arraycopy(Es256.unsigned32(Es256.N.subtract(s)), 0, high, 32, 32);
    // The high-S twin is a valid ECDSA signature: only the profile rule refuses it.
    org.assertj.core.api.Assertions.assertThatCode(
            () -> Es256.verify(signer.publicKey(), CoseSign1.toBeSigned(header, PAYLOAD), high, Es256.LowS.NOT_REQUIRED))
        .doesNotThrowAnyException();
    expect(() -> verifier.verify(sign1(header, PAYLOAD, high), TYPE), RejectReason.HIGH_S);
  }

  @Test
  void refusesBadSignatureLengths() {
    byte[] header = CoseSign1.protectedHeader(TYPE, signer.kid());
    byte[] rs = signer.sign(CoseSign1.toBeSigned(header, PAYLOAD));
    for (int length : new int[] {0, 63, 65, 72}) {
      expect(() -> verifier.verify(sign1(header, PAYLOAD, Arrays.copyOf(rs, length)), TYPE), RejectReason.BAD_SIGNATURE_LENGTH);
    }
  }

  @Test
  void refusesTrailingBytesIndefiniteLengthsAndDuplicateKeys() {
    byte[] good = CoseSign1.sign(signer, TYPE, PAYLOAD);
    expect(() -> verifier.verify(Arrays.copyOf(good, good.length + 2), TYPE), RejectReason.TRAILING_BYTES);
    byte[] indefinite = good.clone();
    indefinite[1] = (byte) 0x9f;
    byte[] withBreak = Arrays.copyOf(indefinite, indefinite.length + 1);
    withBreak[withBreak.length - 1] = (byte) 0xff;
    expect(() -> verifier.verify(withBreak, TYPE), RejectReason.INDEFINITE_LENGTH);
    byte[] duplicate =
        new CborWriter().mapHeader(4).integer(1).integer(-7).integer(3).text(TYPE).integer(4).bytes(kid(signer.kid())).integer(3).text(TYPE).toByteArray();
    expect(() -> verifier.verify(signed(duplicate, new byte[] {(byte) 0xa0}), TYPE), RejectReason.DUPLICATE_MAP_KEY);
    byte[] duplicateUnprotected = new CborWriter().mapHeader(2).integer(7).integer(0).integer(7).integer(0).toByteArray();
    expect(
        () -> verifier.verify(signed(CoseSign1.protectedHeader(TYPE, signer.kid()), duplicateUnprotected), TYPE),
        RejectReason.DUPLICATE_MAP_KEY);
  }

  @Test
  void refusesOtherProfileViolations() {
    byte[] header = CoseSign1.protectedHeader(TYPE, signer.kid());
    byte[] unprotectedKid = new CborWriter().mapHeader(1).integer(4).bytes(kid(signer.kid())).toByteArray();
    expect(() -> verifier.verify(signed(header, unprotectedKid), TYPE), RejectReason.UNPROTECTED_HEADER_NOT_EMPTY);
    byte[] withIv = new CborWriter().mapHeader(4).integer(1).integer(-7).integer(3).text(TYPE).integer(4).bytes(kid(signer.kid())).integer(5).bytes(new byte[12]).toByteArray();
    expect(() -> verifier.verify(signed(withIv, new byte[] {(byte) 0xa0}), TYPE), RejectReason.UNEXPECTED_HEADER);
    byte[] noKid = new CborWriter().mapHeader(2).integer(1).integer(-7).integer(3).text(TYPE).toByteArray();
    expect(() -> verifier.verify(signed(noKid, new byte[] {(byte) 0xa0}), TYPE), RejectReason.MISSING_KID);
    byte[] detached =
        new CborWriter().tag(18).arrayHeader(4).bytes(header).mapHeader(0).raw(new byte[] {(byte) 0xf6}).bytes(new byte[64]).toByteArray();
    expect(() -> verifier.verify(detached, TYPE), RejectReason.DETACHED_PAYLOAD);
    byte[] notArray = new CborWriter().tag(18).mapHeader(0).toByteArray();
    expect(() -> verifier.verify(notArray, TYPE), RejectReason.NOT_COSE_SIGN1);
    byte[] headerNotMap = new CborWriter().arrayHeader(0).toByteArray();
    expect(() -> verifier.verify(signed(headerNotMap, new byte[] {(byte) 0xa0}), TYPE), RejectReason.NOT_COSE_SIGN1);
  }

  @Test
  void refusesOversizedDocumentsBeforeParsing() {
    CoseVerifier small = new CoseVerifier(Map.of(signer.kid(), signer.publicKey()), 100);
    byte[] big = CoseSign1.sign(signer, TYPE, new byte[200]);
    expect(() -> small.verify(big, TYPE), RejectReason.TOO_LARGE);
  }

  private byte[] signed(byte[] protectedHeader, byte[] unprotected) {
    byte[] signature = signer.sign(CoseSign1.toBeSigned(protectedHeader, PAYLOAD));
    return new CborWriter().tag(18).arrayHeader(4).bytes(protectedHeader).raw(unprotected).bytes(PAYLOAD).bytes(signature).toByteArray();
  }

  private static byte[] sign1(byte[] header, byte[] payload, byte[] signature) {
    return new CborWriter().tag(18).arrayHeader(4).bytes(header).mapHeader(0).bytes(payload).bytes(signature).toByteArray();
  }

  private static byte[] header(long l1, long alg, long l3, String type, long l4, String kid) {
    return new CborWriter().mapHeader(3).integer(l1).integer(alg).integer(l3).text(type).integer(l4).bytes(kid(kid)).toByteArray();
  }

  private static byte[] kid(String kid) {
    return kid.getBytes(StandardCharsets.UTF_8);
  }

  private static void expect(ThrowingCallable call, RejectReason reason) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(CoseRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
