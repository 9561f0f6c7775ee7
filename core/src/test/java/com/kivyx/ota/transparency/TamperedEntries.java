package com.kivyx.ota.transparency;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.provenance.EcdsaDer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The attacks on a real log entry, as edits of its JSON: each must be refused, for the reason
 * given. Shared by the Java tests and the recorded vectors the TypeScript client checks.
 */
public final class TamperedEntries {
  private TamperedEntries() {}

  public record Tampered(byte[] json, LogEntryRejectedException.Reason reason) {}

  /** @param attacker a key that is not the log's, signing a checkpoint with the log's key hint */
  public static Map<String, Tampered> of(byte[] json, LogKey log, LocalKeySigner attacker, ObjectMapper mapper) throws IOException {
    Map<String, Tampered> out = new LinkedHashMap<>();
    ObjectNode tle = (ObjectNode) mapper.readTree(json);
    long index = Long.parseLong(tle.path("logIndex").asText("0"));
    long size = Long.parseLong(tle.path("inclusionProof").path("treeSize").asText());

    ObjectNode t = tle.deepCopy();
    t.put("logIndex", Long.toString(index + 1));
    out.put("top-level logIndex changed", new Tampered(bytes(mapper, t), LogEntryRejectedException.Reason.INDEX_MISMATCH));

    // Another index inside the tree, consistently: the proof no longer leads to the root.
    long moved = index > 0 ? index - 1 : index + 1;
    t = tle.deepCopy();
    t.put("logIndex", Long.toString(moved));
    ((ObjectNode) t.path("inclusionProof")).put("logIndex", Long.toString(moved));
    out.put("both logIndex fields changed", new Tampered(bytes(mapper, t), LogEntryRejectedException.Reason.INCLUSION_PROOF));

    t = tle.deepCopy();
    ((ObjectNode) t.path("inclusionProof")).put("treeSize", Long.toString(size + 1));
    out.put("proof treeSize changed", new Tampered(bytes(mapper, t), LogEntryRejectedException.Reason.INDEX_MISMATCH));

    // The checkpoint's size line edited: the log's signature no longer covers it.
    t = tle.deepCopy();
    String note = t.path("inclusionProof").path("checkpoint").path("envelope").asText();
    String[] lines = note.split("\n", -1);
    lines[1] = Long.toString(size + 1);
    ((ObjectNode) t.path("inclusionProof").path("checkpoint")).put("envelope", String.join("\n", lines));
    ((ObjectNode) t.path("inclusionProof")).put("treeSize", Long.toString(size + 1));
    out.put("checkpoint size changed", new Tampered(bytes(mapper, t), LogEntryRejectedException.Reason.CHECKPOINT_SIGNATURE));

    // A checkpoint signed by another key, under the pinned log's name and key hint.
    t = tle.deepCopy();
    String text = note.substring(0, note.indexOf("\n\n") + 1);
    byte[] sig = EcdsaDer.fromRs(attacker.sign(text.getBytes(StandardCharsets.UTF_8)));
    byte[] blob = new byte[4 + sig.length];
    System.arraycopy(log.keyHint(), 0, blob, 0, 4);
    System.arraycopy(sig, 0, blob, 4, sig.length);
    String forged = text + "\n\u2014 " + log.origin() + " " + Base64.getEncoder().encodeToString(blob) + "\n";
    ((ObjectNode) t.path("inclusionProof").path("checkpoint")).put("envelope", forged);
    out.put("checkpoint signed by another key", new Tampered(bytes(mapper, t), LogEntryRejectedException.Reason.CHECKPOINT_SIGNATURE));

    if (t.path("inclusionProof").path("hashes").size() > 0) {
      t = tle.deepCopy();
      ArrayNode hashes = (ArrayNode) t.path("inclusionProof").path("hashes");
      byte[] h = Base64.getDecoder().decode(hashes.get(0).asText());
      h[0] ^= 1;
      hashes.set(0, Base64.getEncoder().encodeToString(h));
      out.put("proof hash flipped", new Tampered(bytes(mapper, t), LogEntryRejectedException.Reason.INCLUSION_PROOF));
    }

    // Another body (say, for another manifest) under this entry's proof.
    t = tle.deepCopy();
    ObjectNode body = (ObjectNode) mapper.readTree(Base64.getDecoder().decode(tle.path("canonicalizedBody").asText()));
    ObjectNode data = (ObjectNode) body.path("spec").path("hashedRekordV002").path("data");
    data.put("digest", Base64.getEncoder().encodeToString(new byte[32]));
    t.put("canonicalizedBody", Base64.getEncoder().encodeToString(bytes(mapper, body)));
    out.put("body swapped", new Tampered(bytes(mapper, t), LogEntryRejectedException.Reason.INCLUSION_PROOF));
    return out;
  }

  private static byte[] bytes(ObjectMapper mapper, Object node) throws IOException {
    return mapper.writeValueAsBytes(node);
  }
}
