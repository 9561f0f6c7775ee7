package com.kivyx.ota.crds;

import java.util.List;

/** Where a Release stands: Pending, Publishing, Published or Failed. */
public record ReleaseStatus(
    String phase,
    String releaseId,
    String manifestUrl,
    String manifestSha256,
    Long manifestSize,
    String keyId,
    List<DeltaStatus> deltas,
    String message,
    Long observedGeneration,
    List<Condition> conditions) {
  public static final String PENDING = "Pending";
  public static final String PUBLISHING = "Publishing";
  public static final String PUBLISHED = "Published";
  public static final String FAILED = "Failed";

  /** A published delta: from which launch asset, and how big. */
  public record DeltaStatus(String fromSha256, Long size) {}
}
