package com.kivyx.ota.vectors;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.format.ReleaseManifest;
import com.kivyx.ota.provenance.EcdsaDer;
import com.kivyx.ota.signing.CoseSign1;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.signing.P256;
import com.kivyx.ota.store.Sha256;
import com.kivyx.ota.testing.RekorServer;
import com.kivyx.ota.testing.SampleDocuments;
import com.kivyx.ota.testing.TestKeys;
import com.kivyx.ota.transparency.HashedRekord;
import com.kivyx.ota.transparency.LoggedEntry;
import com.kivyx.ota.transparency.RekorV2Client;
import com.kivyx.ota.transparency.TamperedEntries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Records a real Rekor v2 log's answers for signed release manifests, and the attacks on them,
 * into {@code testdata/vectors/transparency.json}, so the TypeScript client (and
 * {@code TransparencyVectorsTest}) check real entries without Go. The log key is fresh and
 * ECDSA signatures are randomised, so the file changes each time: regenerate it only on
 * purpose ({@code scripts/generate-vectors --transparency}).
 */
public final class TransparencyVectors {
  public static final String FILE = "transparency.json";
  public static final LocalKeySigner RELEASE_KEY = TestKeys.signer("release-2026");

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]).resolve(FILE);
    Path dir = Files.createTempDirectory("kivyx-rekor-vectors-");
    ObjectMapper mapper = new Documents().mapper();
    try (RekorServer server = RekorServer.start(dir)) {
      RekorV2Client client = new RekorV2Client(server.baseUrl(), server.logKey(), mapper, Duration.ofSeconds(30), 3, Duration.ofMillis(200));
      ObjectNode root = mapper.createObjectNode();
      root.put("description", "Real rekor-tiles v2.3.0 answers for COSE-signed release manifests, and tampered copies. "
          + "Every case: verify 'entry' for the manifest 'manifestCoseHex' against the pinned log; 'expect' is ok or the rejection reason.");
      ObjectNode log = root.putObject("log");
      log.put("origin", server.logKey().origin());
      log.put("rawPubHex", P256.rawHex(server.publicKey()));
      log.put("keyIdHex", HexFormat.of().formatHex(server.logKey().keyId()));
      ObjectNode key = root.putObject("releaseKey");
      key.put("kid", RELEASE_KEY.kid());
      key.put("rawPubHex", P256.rawHex(RELEASE_KEY.publicKey()));
      ArrayNode cases = root.putArray("cases");

      Documents documents = new Documents();
      List<byte[]> manifests = new ArrayList<>();
      List<LoggedEntry> entries = new ArrayList<>();
      List<String> bundles = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        String bundle = "console.log('release r" + i + "');";
        bundles.add(bundle);
        ReleaseManifest m = manifest("r" + i, i, bundle);
        byte[] cose = CoseSign1.sign(RELEASE_KEY, ReleaseManifest.CONTENT_TYPE, documents.write(m));
        manifests.add(cose);
        entries.add(client.log(hashedRekord(cose)));
      }
      for (int i = 0; i < manifests.size(); i++) {
        add(cases, "valid entry " + entries.get(i).logIndex() + " of tree " + entries.get(i).treeSize(), manifests.get(i), bundles.get(i),
            entries.get(i).json(), "ok");
      }
      byte[] target = manifests.get(3);
      byte[] targetEntry = entries.get(3).json();
      add(cases, "entry for another manifest", manifests.get(2), bundles.get(2), targetEntry, "WRONG_ENTRY");
      for (var t : TamperedEntries.of(targetEntry, server.logKey(), TestKeys.signer("attacker"), mapper).entrySet()) {
        add(cases, t.getKey(), target, bundles.get(3), t.getValue().json(), t.getValue().reason().name());
      }
      // Logged by the real log, but signed by another key than the manifest's.
      LocalKeySigner other = TestKeys.signer("not-the-release-key");
      String otherBundle = "console.log('release r9');";
      byte[] otherCose = CoseSign1.sign(other, ReleaseManifest.CONTENT_TYPE, documents.write(manifest("r9", 9, otherBundle)));
      LoggedEntry otherEntry = client.log(hashedRekord(otherCose, other));
      add(cases, "entry names another signer", otherCose, otherBundle, otherEntry.json(), "WRONG_ENTRY");

      DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
      printer.indentArraysWith(new DefaultIndenter("  ", "\n"));
      Files.writeString(out, mapper.writer(printer).writeValueAsString(root) + "\n");
      System.out.println("wrote " + out + " (" + cases.size() + " cases)");
    }
  }

  static HashedRekord hashedRekord(byte[] cose) {
    return hashedRekord(cose, RELEASE_KEY);
  }

  /** What the publisher logs for a manifest: SHA-256(Sig_structure), the COSE signature as DER, the signer's SPKI. */
  static HashedRekord hashedRekord(byte[] cose, LocalKeySigner signer) {
    CoseParts parts = CoseParts.of(cose);
    return new HashedRekord(
        Sha256.newDigest().digest(CoseSign1.toBeSigned(parts.protectedHeader, parts.payload)), EcdsaDer.fromRs(parts.signature),
        signer.publicKey().getEncoded());
  }

  /** What a verifier must find in a manifest's log entry. */
  static com.kivyx.ota.transparency.LogEntryVerifier.Expected expected(byte[] cose, java.security.interfaces.ECPublicKey signer) {
    CoseParts parts = CoseParts.of(cose);
    return new com.kivyx.ota.transparency.LogEntryVerifier.Expected(
        Sha256.newDigest().digest(CoseSign1.toBeSigned(parts.protectedHeader, parts.payload)), parts.signature, signer.getEncoded());
  }

  /** A release of com.kivyx.app for iOS whose launch asset is {@code bundle}, so a client can install it. */
  static ReleaseManifest manifest(String releaseId, long versionCode, String bundle) {
    byte[] bytes = bundle.getBytes(StandardCharsets.UTF_8);
    String sha = Sha256.hex(bytes);
    return new ReleaseManifest(
        ReleaseManifest.SCHEMA, SampleDocuments.APP, com.kivyx.ota.format.Platform.IOS, releaseId, "1.0." + versionCode, versionCode, "1.0.0",
        "2026-11-27T10:00:00Z", new com.kivyx.ota.format.Asset("index.bundle", sha, bytes.length, "application/javascript", SampleDocuments.blobUrl(sha)),
        List.of(), List.of(), Map.of());
  }

  private static void add(ArrayNode cases, String name, byte[] cose, String bundle, byte[] entry, String expect) {
    ObjectNode c = cases.addObject();
    c.put("name", name);
    c.put("manifestCoseHex", HexFormat.of().formatHex(cose));
    c.put("bundleUtf8", bundle);
    c.put("entry", new String(entry, StandardCharsets.UTF_8));
    c.put("expect", expect);
  }

  record CoseParts(byte[] protectedHeader, byte[] payload, byte[] signature) {
    static CoseParts of(byte[] cose) {
      try {
        var item = com.kivyx.ota.signing.CborReader.decode(cose);
        var array = (com.kivyx.ota.signing.CborItem.Array) ((com.kivyx.ota.signing.CborItem.Tagged) item).content();
        return new CoseParts(
            ((com.kivyx.ota.signing.CborItem.Bytes) array.items().get(0)).value(),
            ((com.kivyx.ota.signing.CborItem.Bytes) array.items().get(2)).value(),
            ((com.kivyx.ota.signing.CborItem.Bytes) array.items().get(3)).value());
      } catch (com.kivyx.ota.signing.CoseRejectedException e) {
        throw new IllegalArgumentException(e);
      }
    }
  }

}
