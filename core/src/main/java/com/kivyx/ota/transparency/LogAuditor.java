package com.kivyx.ota.transparency;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The stolen-key alarm: walks a whole log (checkpoint verified against the pinned key, every
 * entry hashed into the checkpoint's root, so nothing was left out or swapped) and reports each
 * entry signed by one of our keys whose digest is not one we published.
 */
public final class LogAuditor {
  private final ObjectMapper mapper;

  public LogAuditor(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** A logged signature by one of our keys. */
  public record Finding(long logIndex, String keyName, String digestHex) {}

  public record Report(long treeSize, int ourEntries, List<Finding> unknown) {
    public Report {
      unknown = List.copyOf(unknown);
    }
  }

  /**
   * @param ourKeys our release and builder keys, by name
   * @param published hex SHA-256 digests we signed on purpose (manifest Sig_structures, attestation PAEs)
   */
  public Report audit(TileLog log, LogKey logKey, Map<String, ECPublicKey> ourKeys, java.util.Set<String> published)
      throws IOException, LogEntryRejectedException {
    Checkpoint checkpoint = Checkpoint.verify(log.checkpoint(), logKey);
    List<byte[]> entries = log.entries(checkpoint.size());
    List<byte[]> leaves = new ArrayList<>(entries.size());
    for (byte[] e : entries) {
      leaves.add(MerkleProofs.leafHash(e));
    }
    if (!MessageDigest.isEqual(MerkleProofs.root(leaves), checkpoint.rootHash())) {
      throw new LogEntryRejectedException(
          LogEntryRejectedException.Reason.INCLUSION_PROOF, "the log's entries do not hash to its checkpoint's root: the tiles are not the signed tree");
    }
    int ours = 0;
    List<Finding> unknown = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      HashedRekord body;
      try {
        body = HashedRekord.fromBody(mapper.readTree(entries.get(i)));
      } catch (LogEntryRejectedException | IOException e) {
        continue; // another kind of entry: not ours
      }
      String name = nameOf(body.signerSpki(), ourKeys);
      if (name == null) {
        continue;
      }
      ours++;
      String digest = HexFormat.of().formatHex(body.digest());
      if (!published.contains(digest)) {
        unknown.add(new Finding(i, name, digest));
      }
    }
    return new Report(checkpoint.size(), ours, unknown);
  }

  private static String nameOf(byte[] spki, Map<String, ECPublicKey> keys) {
    for (Map.Entry<String, ECPublicKey> k : keys.entrySet()) {
      if (Arrays.equals(k.getValue().getEncoded(), spki)) {
        return k.getKey();
      }
    }
    return null;
  }
}
