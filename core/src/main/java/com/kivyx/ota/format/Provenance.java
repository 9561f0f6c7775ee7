package com.kivyx.ota.format;

/**
 * Where a release came from ({@code provenance} in the release manifest): the builder's
 * attestation and its log entry. {@code builderId} and {@code sourceCommit} are copies for
 * display; the attestation is what counts. {@code attestationLogEntry} is null when the
 * release was published without a log.
 */
public record Provenance(AttestationRef attestation, LogEntryRef attestationLogEntry, String builderId, String sourceCommit) {
  public Provenance {
    Check.present("provenance attestation", attestation);
    Check.text("provenance builderId", builderId, 1024);
    Check.text("provenance sourceCommit", sourceCommit, 64);
  }
}
