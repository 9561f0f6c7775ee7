package com.kivyx.ota.format;

/** A stored DSSE-signed in-toto attestation and its predicate type. */
public record AttestationRef(String url, String sha256, long size, String predicateType) {
  public AttestationRef {
    Check.relativeUrl("attestation url", url);
    Check.sha256("attestation sha256", sha256);
    Check.positive("attestation size", size);
    Check.text("attestation predicateType", predicateType, 255);
  }
}
