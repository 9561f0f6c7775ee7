package com.kivyx.ota.vectors;

import static com.kivyx.ota.testing.SampleDocuments.asset;
import static com.kivyx.ota.testing.SampleDocuments.entry;
import static com.kivyx.ota.testing.SampleDocuments.index;
import static com.kivyx.ota.testing.SampleDocuments.release;
import static com.kivyx.ota.testing.SampleDocuments.sha256Hex;

import com.kivyx.ota.format.AttestationRef;
import com.kivyx.ota.format.AttributeRule;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.DeltaRef;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.format.LogEntryRef;
import com.kivyx.ota.format.Provenance;
import com.kivyx.ota.format.ReleaseManifest;
import com.kivyx.ota.format.Targeting;
import com.kivyx.ota.signing.CborWriter;
import com.kivyx.ota.signing.CoseSign1;
import com.kivyx.ota.signing.Es256;
import com.kivyx.ota.signing.P256;
import com.kivyx.ota.signing.RejectReason;
import com.kivyx.ota.signing.Signer;
import com.kivyx.ota.testing.SampleDocuments;
import com.kivyx.ota.testing.TestKeys;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The signed-document cases of {@code documents.json}: valid documents and broken variants. */
final class DocumentVectors {
  static final String KID_V1 = "alias/kivyx-ota-test-v1";
  static final String KID_V2 = "alias/kivyx-ota-test-v2";
  static final String KID_UNPINNED = "alias/kivyx-ota-not-pinned";

  /** One case: the verifier is given {@code coseHex} and told to expect {@code contentType}. */
  record Case(String name, String contentType, byte[] cose, RejectReason reason) {}

  private final Signer v1 = TestKeys.signer(KID_V1);
  private final Signer v2 = TestKeys.signer(KID_V2);
  private final Signer unpinned = TestKeys.signer(KID_UNPINNED);
  private final Documents documents = new Documents();

  Map<String, String> pinnedKeys() {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put(KID_V1, P256.rawHex(v1.publicKey()));
    keys.put(KID_V2, P256.rawHex(v2.publicKey()));
    return keys;
  }

  List<Case> cases() {
    String release = ReleaseManifest.CONTENT_TYPE;
    String index = ChannelIndex.CONTENT_TYPE;
    byte[] minimal = documents.write(release("rel-minimal", 1, List.of(), List.of(), Map.of()));
    byte[] full = documents.write(fullManifest());
    byte[] channel = documents.write(sampleIndex());
    byte[] emptyChannel = documents.write(index(7, 0, List.of(), List.of("rel-bad")));

    List<Case> cases = new ArrayList<>();
    cases.add(valid("release-manifest-minimal", release, CoseSign1.sign(v1, release, minimal)));
    cases.add(valid("release-manifest-full", release, CoseSign1.sign(v1, release, full)));
    cases.add(valid("channel-index", index, CoseSign1.sign(v1, index, channel)));
    cases.add(valid("channel-index-empty-with-revocation", index, CoseSign1.sign(v1, index, emptyChannel)));
    cases.add(valid("channel-index-second-pinned-key", index, CoseSign1.sign(v2, index, channel)));
    cases.add(valid("release-manifest-with-provenance", release, CoseSign1.sign(v1, release, documents.write(attestedManifest()))));
    cases.add(valid("channel-index-with-transparency", index, CoseSign1.sign(v1, index, documents.write(loggedIndex()))));

    byte[] good = CoseSign1.sign(v1, index, channel);
    byte[] header = CoseSign1.protectedHeader(index, KID_V1);
    byte[] goodSignature = v1.sign(CoseSign1.toBeSigned(header, channel));

    byte[] tamperedPayload = channel.clone();
    tamperedPayload[tamperedPayload.length / 2] ^= 0x01;
    cases.add(invalid("tampered-payload", index, sign1(header, EMPTY_MAP, tamperedPayload, goodSignature), RejectReason.BAD_SIGNATURE));

    // Same headers in another key order: meaningfully equal, but not the bytes that were signed.
    byte[] reordered = new CborWriter().mapHeader(3).integer(4).bytes(utf8(KID_V1)).integer(1).integer(-7).integer(3).text(index).toByteArray();
    cases.add(invalid("tampered-protected-header", index, sign1(reordered, EMPTY_MAP, channel, goodSignature), RejectReason.BAD_SIGNATURE));

    cases.add(invalid("wrong-kid", index, CoseSign1.sign(unpinned, index, channel), RejectReason.UNKNOWN_KID));
    // Claims a pinned kid but is signed by another key.
    byte[] forgedSignature = unpinned.sign(CoseSign1.toBeSigned(header, channel));
    cases.add(invalid("wrong-key-for-kid", index, sign1(header, EMPTY_MAP, channel, forgedSignature), RejectReason.BAD_SIGNATURE));

    cases.add(invalid("high-s", index, sign1(header, EMPTY_MAP, channel, highS(goodSignature)), RejectReason.HIGH_S));
    cases.add(invalid("wrong-content-type", release, good, RejectReason.WRONG_CONTENT_TYPE));
    byte[] otherType = CoseSign1.protectedHeader("application/json", KID_V1);
    cases.add(invalid("content-type-not-in-profile", index, signed(otherType, EMPTY_MAP, channel), RejectReason.WRONG_CONTENT_TYPE));
    cases.add(invalid("untagged", index, Arrays.copyOfRange(good, 1, good.length), RejectReason.NOT_TAGGED));
    byte[] wrongTag = good.clone();
    wrongTag[0] = (byte) 0xd1; // tag 17 (COSE_Mac0)
    cases.add(invalid("wrong-tag", index, wrongTag, RejectReason.WRONG_TAG));

    byte[] noAlg = new CborWriter().mapHeader(2).integer(3).text(index).integer(4).bytes(utf8(KID_V1)).toByteArray();
    byte[] unprotectedAlg = new CborWriter().mapHeader(1).integer(1).integer(-7).toByteArray();
    cases.add(invalid("alg-in-unprotected-header", index, signed(noAlg, unprotectedAlg, channel), RejectReason.ALG_NOT_PROTECTED));
    cases.add(invalid("alg-missing", index, signed(noAlg, EMPTY_MAP, channel), RejectReason.UNSUPPORTED_ALG));
    byte[] es384 = new CborWriter().mapHeader(3).integer(1).integer(-35).integer(3).text(index).integer(4).bytes(utf8(KID_V1)).toByteArray();
    cases.add(invalid("alg-es384", index, signed(es384, EMPTY_MAP, channel), RejectReason.UNSUPPORTED_ALG));
    byte[] unprotectedKid = new CborWriter().mapHeader(1).integer(4).bytes(utf8(KID_V1)).toByteArray();
    cases.add(invalid("kid-in-unprotected-header", index, signed(header, unprotectedKid, channel), RejectReason.UNPROTECTED_HEADER_NOT_EMPTY));
    byte[] noKid = new CborWriter().mapHeader(2).integer(1).integer(-7).integer(3).text(index).toByteArray();
    cases.add(invalid("kid-missing", index, signed(noKid, EMPTY_MAP, channel), RejectReason.MISSING_KID));
    byte[] textKid = new CborWriter().mapHeader(3).integer(1).integer(-7).integer(3).text(index).integer(4).text(KID_V1).toByteArray();
    cases.add(invalid("kid-as-text", index, signed(textKid, EMPTY_MAP, channel), RejectReason.MISSING_KID));
    byte[] crit = new CborWriter().mapHeader(4).integer(1).integer(-7).integer(2).arrayHeader(1).integer(99).integer(3).text(index).integer(4).bytes(utf8(KID_V1)).toByteArray();
    cases.add(invalid("unexpected-protected-header", index, signed(crit, EMPTY_MAP, channel), RejectReason.UNEXPECTED_HEADER));
    byte[] duplicate = new CborWriter().mapHeader(4).integer(1).integer(-7).integer(3).text(index).integer(4).bytes(utf8(KID_V1)).integer(1).integer(-7).toByteArray();
    cases.add(invalid("duplicate-protected-header-key", index, signed(duplicate, EMPTY_MAP, channel), RejectReason.DUPLICATE_MAP_KEY));

    cases.add(invalid("truncated", index, Arrays.copyOf(good, good.length - 1), RejectReason.MALFORMED_CBOR));
    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    cases.add(invalid("trailing-bytes", index, trailing, RejectReason.TRAILING_BYTES));
    cases.add(invalid("indefinite-length-array", index, indefiniteArray(header, channel, goodSignature), RejectReason.INDEFINITE_LENGTH));
    cases.add(invalid("non-canonical-length", index, nonCanonicalHeaderLength(header, channel, goodSignature), RejectReason.NON_CANONICAL_CBOR));
    cases.add(invalid("signature-63-bytes", index, sign1(header, EMPTY_MAP, channel, Arrays.copyOf(goodSignature, 63)), RejectReason.BAD_SIGNATURE_LENGTH));
    cases.add(invalid("signature-der-encoded", index, sign1(header, EMPTY_MAP, channel, derOf(goodSignature)), RejectReason.BAD_SIGNATURE_LENGTH));
    cases.add(invalid("signature-zero", index, sign1(header, EMPTY_MAP, channel, new byte[64]), RejectReason.BAD_SIGNATURE));
    byte[] detached = new CborWriter().tag(18).arrayHeader(4).bytes(header).raw(EMPTY_MAP).raw(new byte[] {(byte) 0xf6}).bytes(goodSignature).toByteArray();
    cases.add(invalid("detached-payload", index, detached, RejectReason.DETACHED_PAYLOAD));
    byte[] threeItems = new CborWriter().tag(18).arrayHeader(3).bytes(header).raw(EMPTY_MAP).bytes(channel).toByteArray();
    cases.add(invalid("not-four-items", index, threeItems, RejectReason.NOT_COSE_SIGN1));
    return cases;
  }

  private static final byte[] EMPTY_MAP = {(byte) 0xa0};

  private ReleaseManifest fullManifest() {
    String oldSha = sha256Hex("old bundle");
    String deltaSha = sha256Hex("delta");
    return release(
        "rel-full",
        123,
        List.of(asset("assets/logo.png", "image/png", 99), asset("assets/fonts/Inter.ttf", "font/ttf", 310_000)),
        List.of(new DeltaRef(oldSha, DeltaRef.FORMAT_KVXD1, deltaSha, 321, SampleDocuments.blobUrl(deltaSha))),
        Map.of("notes", "Fixes \"login\" crash\nand ünïcödé ✓ \u0001", "ticket", "OTA-42"));
  }

  /** The provenance fields (docs/formats.md "Provenance"): read by both languages from the same bytes. */
  private ReleaseManifest attestedManifest() {
    ReleaseManifest m = release("rel-attested", 124, List.of(), List.of(), Map.of());
    String attestationSha = sha256Hex("attestation");
    Provenance provenance = new Provenance(
        new AttestationRef(SampleDocuments.blobUrl(attestationSha), attestationSha, 1_234, "https://slsa.dev/provenance/v1"),
        logEntry("attestation log entry", 7),
        "https://ci.example.com/builders/kivyx", "0123456789abcdef0123456789abcdef01234567");
    return new ReleaseManifest(m.schema(), m.appId(), m.platform(), m.releaseId(), m.version(), m.versionCode(), m.runtimeVersion(),
        m.createdAt(), m.launchAsset(), m.assets(), m.deltas(), m.metadata(), null, provenance);
  }

  private static ChannelIndex loggedIndex() {
    ChannelRelease e = entry("rel-attested", 124, "1.2.0", 10_000, false, null);
    ChannelRelease logged = new ChannelRelease(e.releaseId(), e.versionCode(), e.runtimeVersion(), e.manifest(), e.rollout(),
        logEntry("manifest log entry", 8));
    return index(43, 0, List.of(logged), List.of());
  }

  private static LogEntryRef logEntry(String content, long logIndex) {
    String sha = sha256Hex(content);
    return new LogEntryRef(SampleDocuments.blobUrl(sha), sha, 987, "log.example.com", logIndex);
  }

  private static ChannelIndex sampleIndex() {
    Targeting targeting =
        new Targeting(
            ">=0.72.0 <0.75.0",
            List.of("arm64"),
            List.of(new AttributeRule("country", "in", List.of("DE", "FR"), null)));
    return index(
        42,
        100,
        List.of(
            entry("rel-122", 122, "1.2.0", 10_000, false, null),
            entry("rel-123", 123, "1.2.0", 2_500, true, targeting)),
        List.of("rel-121"));
  }

  private Case valid(String name, String contentType, byte[] cose) {
    return new Case(name, contentType, cose, null);
  }

  private Case invalid(String name, String contentType, byte[] cose, RejectReason reason) {
    return new Case(name, contentType, cose, reason);
  }

  /** Signs with v1 over exactly these protected bytes. */
  private byte[] signed(byte[] protectedHeader, byte[] unprotected, byte[] payload) {
    return sign1(protectedHeader, unprotected, payload, v1.sign(CoseSign1.toBeSigned(protectedHeader, payload)));
  }

  private static byte[] sign1(byte[] protectedHeader, byte[] unprotected, byte[] payload, byte[] signature) {
    return new CborWriter().tag(18).arrayHeader(4).bytes(protectedHeader).raw(unprotected).bytes(payload).bytes(signature).toByteArray();
  }

  private static byte[] indefiniteArray(byte[] header, byte[] payload, byte[] signature) {
    byte[] items = new CborWriter().bytes(header).raw(EMPTY_MAP).bytes(payload).bytes(signature).toByteArray();
    byte[] out = new byte[items.length + 3];
    out[0] = (byte) 0xd2;
    out[1] = (byte) 0x9f; // array, indefinite length
    System.arraycopy(items, 0, out, 2, items.length);
    out[out.length - 1] = (byte) 0xff;
    return out;
  }

  /** The protected header's length (under 24) written with a one-byte argument. */
  private static byte[] nonCanonicalHeaderLength(byte[] header, byte[] payload, byte[] signature) {
    byte[] rest = new CborWriter().raw(EMPTY_MAP).bytes(payload).bytes(signature).toByteArray();
    byte[] head = {(byte) 0xd2, (byte) 0x84, (byte) 0x58, (byte) header.length};
    if (header.length >= 24) {
      // The real header is longer than 23 bytes; use a 2-byte length for a value under 256.
      head = new byte[] {(byte) 0xd2, (byte) 0x84, (byte) 0x59, 0, (byte) header.length};
    }
    byte[] out = new byte[head.length + header.length + rest.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(header, 0, out, head.length, header.length);
    System.arraycopy(rest, 0, out, head.length + header.length, rest.length);
    return out;
  }

  private static byte[] highS(byte[] rs) {
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(rs, 32, 64));
    byte[] out = rs.clone();
    System.arraycopy(Es256.unsigned32(Es256.N.subtract(s)), 0, out, 32, 32);
    return out;
  }

  private static byte[] derOf(byte[] rs) {
    byte[] r = new BigInteger(1, Arrays.copyOfRange(rs, 0, 32)).toByteArray();
    byte[] s = new BigInteger(1, Arrays.copyOfRange(rs, 32, 64)).toByteArray();
    byte[] out = new byte[6 + r.length + s.length];
    out[0] = 0x30;
    out[1] = (byte) (4 + r.length + s.length);
    out[2] = 0x02;
    out[3] = (byte) r.length;
    System.arraycopy(r, 0, out, 4, r.length);
    out[4 + r.length] = 0x02;
    out[5 + r.length] = (byte) s.length;
    System.arraycopy(s, 0, out, 6 + r.length, s.length);
    return out;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
