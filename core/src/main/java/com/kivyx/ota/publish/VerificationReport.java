package com.kivyx.ota.publish;

import java.util.List;

/** What {@link StoreVerifier} found: every problem by name, and what it checked. */
public record VerificationReport(
    List<String> problems, long indexVersion, String expiresAt, int releases, int blobs, long bytes) {
  public VerificationReport {
    problems = List.copyOf(problems);
  }

  public boolean ok() {
    return problems.isEmpty();
  }

  public String summary() {
    return "index version " + indexVersion + ", expires " + expiresAt + ", " + releases + " release(s), " + blobs
        + " blob(s), " + bytes + " bytes checked";
  }
}
