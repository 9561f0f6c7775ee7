package com.kivyx.ota.provenance;

/** One attested file: its path in the release and its SHA-256 (lowercase hex). */
public record Subject(String name, String sha256) {
  public Subject {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("subject name is required");
    }
    if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("subject " + name + ": sha256 must be 64 lowercase hex digits");
    }
  }
}
