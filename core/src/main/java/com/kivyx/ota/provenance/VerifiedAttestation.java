package com.kivyx.ota.provenance;

import java.util.List;

/** An attestation that passed every check: who signed it and what it says. */
public record VerifiedAttestation(
    String builderKeyId, Dsse.Envelope envelope, String builderId, String sourceRepository, String sourceCommit,
    String buildCommand, List<Subject> subjects) {
  public VerifiedAttestation {
    subjects = List.copyOf(subjects);
  }
}
