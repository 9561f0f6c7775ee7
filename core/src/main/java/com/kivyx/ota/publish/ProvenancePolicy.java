package com.kivyx.ota.publish;

import com.kivyx.ota.transparency.TransparencyLog;
import java.security.interfaces.ECPublicKey;
import java.util.Map;
import java.util.Optional;

/**
 * What a publisher demands of a release's origin: whether an attestation from one of the
 * trusted builder keys is required, and whether the manifest and attestation must be logged
 * ({@code REQUIRED}: no log entry, no release) or only should be (published without an entry
 * when the log is down, after the client's bounded retries).
 */
public record ProvenancePolicy(
    Requirement attestation, Map<String, ECPublicKey> builderKeys, Optional<TransparencyLog> log, Requirement logging) {
  public enum Requirement { REQUIRED, OPTIONAL }

  public ProvenancePolicy {
    builderKeys = Map.copyOf(builderKeys);
    if (attestation == Requirement.REQUIRED && builderKeys.isEmpty()) {
      throw new PublishException("provenance is required but no builder key is trusted; give --builder-pubkey");
    }
    if (logging == Requirement.REQUIRED && log.isEmpty()) {
      throw new PublishException("transparency logging is required but no log is configured; give --rekor-url and --rekor-pubkey");
    }
  }

  /** No attestation needed, nothing logged: how releases were published before provenance. */
  public static ProvenancePolicy none() {
    return new ProvenancePolicy(Requirement.OPTIONAL, Map.of(), Optional.empty(), Requirement.OPTIONAL);
  }
}
