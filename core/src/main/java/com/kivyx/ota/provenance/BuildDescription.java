package com.kivyx.ota.provenance;

import java.util.Optional;

/**
 * What CI says about a build: who built it ({@code builderId}, a URI naming the CI workflow),
 * from which repository and commit, and with which command.
 */
public record BuildDescription(
    String builderId, String sourceRepository, String sourceCommit, String buildCommand, Optional<String> invocationId) {
  public BuildDescription {
    require("builder id", builderId);
    require("source repository", sourceRepository);
    require("build command", buildCommand);
    if (sourceCommit == null || !sourceCommit.matches("[0-9a-f]{40}|[0-9a-f]{64}")) {
      throw new IllegalArgumentException("source commit must be a full lowercase git commit id (40 or 64 hex), got '" + sourceCommit + "'");
    }
    invocationId = invocationId == null ? Optional.empty() : invocationId;
  }

  private static void require(String what, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " is required");
    }
  }
}
