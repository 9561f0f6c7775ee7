package com.kivyx.ota.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Our verifier against third-party vectors in ../shared/vectors (read-only). */
class PublicVectorsTest {
  private static final Path VECTORS = Path.of(System.getProperty("kivyx.shared.dir", "../../shared"), "vectors");
  private static final BigInteger HALF_N = Es256.N.shiftRight(1);
  private final ObjectMapper json = new ObjectMapper();

  /**
   * Wycheproof P-256 / SHA-256 with raw r||s. Profile: every "valid" low-S signature accepted,
   * every "valid" high-S one refused as HIGH_S, every "invalid" one refused. With the low-S rule
   * off, our verifier must agree with Wycheproof on every case.
   */
  @Test
  void wycheproofP1363() throws Exception {
    JsonNode root = json.readTree(VECTORS.resolve("wycheproof/ecdsa_secp256r1_sha256_p1363_test.json").toFile());
    int accepted = 0;
    int highS = 0;
    int refused = 0;
    for (JsonNode group : root.get("testGroups")) {
      ECPublicKey key = P256.publicKeyFromRawHex(group.get("publicKey").get("uncompressed").textValue());
      for (JsonNode test : group.get("tests")) {
        byte[] msg = HexFormat.of().parseHex(test.get("msg").textValue());
        byte[] sig = HexFormat.of().parseHex(test.get("sig").textValue());
        String result = test.get("result").textValue();
        String label = "tcId " + test.get("tcId").intValue() + " (" + test.get("comment").textValue() + ")";
        if (result.equals("valid")) {
          assertThatCode(() -> Es256.verify(key, msg, sig, Es256.LowS.NOT_REQUIRED)).as(label).doesNotThrowAnyException();
          boolean isHigh = new BigInteger(1, Arrays.copyOfRange(sig, 32, 64)).compareTo(HALF_N) > 0;
          if (isHigh) {
            expect(() -> Es256.verify(key, msg, sig, Es256.LowS.REQUIRED), RejectReason.HIGH_S, label);
            highS++;
          } else {
            Es256.verify(key, msg, sig, Es256.LowS.REQUIRED);
            accepted++;
          }
        } else {
          assertThat(result).as(label).isEqualTo("invalid");
          // Out-of-range r or s and a signature that does not verify share one reason.
          RejectReason reason = sig.length != 64 ? RejectReason.BAD_SIGNATURE_LENGTH : RejectReason.BAD_SIGNATURE;
          expect(() -> Es256.verify(key, msg, sig, Es256.LowS.NOT_REQUIRED), reason, label);
          assertThatThrownBy(() -> Es256.verify(key, msg, sig, Es256.LowS.REQUIRED)).as(label).isInstanceOf(CoseRejectedException.class);
          refused++;
        }
      }
    }
    assertThat(accepted + highS + refused).isEqualTo(root.get("numberOfTests").intValue());
    assertThat(accepted).isPositive();
    assertThat(highS).isPositive();
    assertThat(refused).isPositive();
  }

  static Stream<Path> coseWgFiles() throws Exception {
    return Files.list(VECTORS.resolve("cose-wg")).filter(p -> p.toString().endsWith(".json")).sorted();
  }

  /**
   * The cose-wg examples use kid in the unprotected header, no content type, sometimes no tag
   * or other curves: the profile refuses every one of them, each for a stated reason.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("coseWgFiles")
  void coseWgExamplesAreOutsideTheProfile(Path file) throws Exception {
    JsonNode vector = json.readTree(file.toFile());
    JsonNode key = signerKey(vector);
    byte[] cose = HexFormat.of().parseHex(vector.get("output").get("cbor").textValue());
    Map<String, RejectReason> expected =
        Map.ofEntries(
            Map.entry("Appendix_C_2_1.json", RejectReason.UNPROTECTED_HEADER_NOT_EMPTY),
            Map.entry("ecdsa-sig-01.json", RejectReason.UNPROTECTED_HEADER_NOT_EMPTY),
            Map.entry("ecdsa-sig-02.json", RejectReason.UNPROTECTED_HEADER_NOT_EMPTY),
            Map.entry("ecdsa-sig-03.json", RejectReason.UNPROTECTED_HEADER_NOT_EMPTY),
            Map.entry("ecdsa-sig-04.json", RejectReason.UNPROTECTED_HEADER_NOT_EMPTY),
            Map.entry("sign-fail-01.json", RejectReason.WRONG_TAG),
            Map.entry("sign-fail-02.json", RejectReason.UNPROTECTED_HEADER_NOT_EMPTY),
            Map.entry("sign-fail-03.json", RejectReason.UNPROTECTED_HEADER_NOT_EMPTY),
            Map.entry("sign-fail-04.json", RejectReason.UNPROTECTED_HEADER_NOT_EMPTY),
            Map.entry("sign-fail-06.json", RejectReason.UNPROTECTED_HEADER_NOT_EMPTY),
            Map.entry("sign-fail-07.json", RejectReason.UNPROTECTED_HEADER_NOT_EMPTY),
            Map.entry("sign-pass-01.json", RejectReason.ALG_NOT_PROTECTED),
            Map.entry("sign-pass-02.json", RejectReason.UNPROTECTED_HEADER_NOT_EMPTY),
            Map.entry("sign-pass-03.json", RejectReason.NOT_TAGGED));
    String name = file.getFileName().toString();
    CoseVerifier verifier = new CoseVerifier(Map.of("11", coseWgKeyOrDummy(key)));
    expect(() -> verifier.verify(cose, "application/vnd.kivyx.ota.release+json"), expected.get(name), name);
  }

  /**
   * With low S off, our ES256 and Sig_structure must match the reference on the cose-wg P-256
   * examples: we rebuild the to-be-signed bytes from each message, they equal the vector's
   * ToBeSign, and the signature verifies for pass cases and not for the changed content.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("coseWgFiles")
  void es256MatchesTheCoseWgReference(Path file) throws Exception {
    JsonNode vector = json.readTree(file.toFile());
    JsonNode key = signerKey(vector);
    String alg = vector.get("input").findValue("alg").textValue();
    String name = file.getFileName().toString();
    boolean shouldFail = vector.path("fail").asBoolean(false);
    if (key == null || !"P-256".equals(key.path("crv").textValue()) || !alg.equals("ES256")
        || (shouldFail && !name.equals("sign-fail-02.json"))) {
      return; // other curves are not ES256; other fail cases break headers, covered above
    }
    byte[] referenceTbs = HexFormat.of().parseHex(vector.get("intermediates").get("ToBeSign_hex").textValue());
    CborItem.Array message = sign1Array(HexFormat.of().parseHex(vector.get("output").get("cbor").textValue()));
    byte[] protectedBytes = ((CborItem.Bytes) message.items().get(0)).value();
    if (Arrays.equals(protectedBytes, new byte[] {(byte) 0xa0})) {
      // RFC 9052 §4.4: an empty protected map is signed as h''. Our profile never meets this:
      // it refuses a document without a protected alg before it looks at the signature.
      protectedBytes = new byte[0];
    }
    byte[] ourTbs = CoseSign1.toBeSigned(protectedBytes, ((CborItem.Bytes) message.items().get(2)).value());
    byte[] signature = ((CborItem.Bytes) message.items().get(3)).value();
    ECPublicKey publicKey = coseWgKeyOrDummy(key);
    boolean externalAad = vector.get("input").findValue("external") != null;
    if (shouldFail) {
      expect(() -> Es256.verify(publicKey, ourTbs, signature, Es256.LowS.NOT_REQUIRED), RejectReason.BAD_SIGNATURE, name);
    } else if (externalAad) {
      // Our profile's AAD is empty; check the math over the reference's own bytes instead.
      assertThat(ourTbs).isNotEqualTo(referenceTbs);
      Es256.verify(publicKey, referenceTbs, signature, Es256.LowS.NOT_REQUIRED);
    } else {
      assertThat(ourTbs).as(name).isEqualTo(referenceTbs);
      Es256.verify(publicKey, ourTbs, signature, Es256.LowS.NOT_REQUIRED);
    }
  }

  @Test
  void ecdsaSig01IsAValidHighSSignature() throws Exception {
    JsonNode vector = json.readTree(VECTORS.resolve("cose-wg/ecdsa-sig-01.json").toFile());
    byte[] tbs = HexFormat.of().parseHex(vector.get("intermediates").get("ToBeSign_hex").textValue());
    byte[] signature = signatureOf(HexFormat.of().parseHex(vector.get("output").get("cbor").textValue()));
    ECPublicKey key = coseWgKeyOrDummy(signerKey(vector));
    Es256.verify(key, tbs, signature, Es256.LowS.NOT_REQUIRED);
    expect(() -> Es256.verify(key, tbs, signature, Es256.LowS.REQUIRED), RejectReason.HIGH_S, "ecdsa-sig-01");
    Es256.verify(key, tbs, Es256.normaliseLowS(signature), Es256.LowS.REQUIRED);
  }

  private static JsonNode signerKey(JsonNode vector) {
    JsonNode input = vector.get("input");
    JsonNode sign0 = input.has("sign0") ? input.get("sign0") : input.path("sign");
    if (sign0.has("key")) {
      return sign0.get("key");
    }
    return sign0.path("signers").path(0).path("key").isMissingNode() ? null : sign0.path("signers").path(0).path("key");
  }

  /** P-256 JWK → key; for other curves any P-256 key does, since the profile refuses first. */
  private static ECPublicKey coseWgKeyOrDummy(JsonNode jwk) {
    if (jwk == null || !"P-256".equals(jwk.path("crv").textValue())) {
      return com.kivyx.ota.testing.TestKeys.signer("dummy").publicKey();
    }
    return P256.publicKey(b64url(jwk.get("x").textValue()), b64url(jwk.get("y").textValue()));
  }

  private static BigInteger b64url(String text) {
    return new BigInteger(1, Base64.getUrlDecoder().decode(text));
  }

  /** The (possibly tagged) COSE_Sign1 array, read leniently. */
  private static CborItem.Array sign1Array(byte[] cose) throws CoseRejectedException {
    CborItem item = CborReader.decode(cose);
    if (item instanceof CborItem.Tagged tagged) {
      item = tagged.content();
    }
    return (CborItem.Array) item;
  }

  private static byte[] signatureOf(byte[] cose) throws CoseRejectedException {
    return ((CborItem.Bytes) sign1Array(cose).items().get(3)).value();
  }

  private static void expect(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, RejectReason reason, String label) {
    assertThatThrownBy(call)
        .as(label)
        .isInstanceOfSatisfying(CoseRejectedException.class, e -> assertThat(e.reason()).as(label).isEqualTo(reason));
  }
}
