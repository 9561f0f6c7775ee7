package com.kivyx.ota.transparency;

/**
 * A log's answer for one entry, as verified: {@code json} is the raw TransparencyLogEntry
 * (entry, inclusion proof, signed checkpoint) exactly as the log sent it, kept byte for byte
 * because it is stored as a content-addressed blob.
 */
public record LoggedEntry(byte[] json, String origin, long logIndex, long treeSize, HashedRekord body) {
  public LoggedEntry {
    json = json.clone();
  }

  @Override
  public byte[] json() {
    return json.clone();
  }
}
