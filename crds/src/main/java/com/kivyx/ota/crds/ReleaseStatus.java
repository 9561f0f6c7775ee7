package com.kivyx.ota.crds;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Where a Release stands. {@code store} names the store it was published into
 * ({@code ArtifactStore.describe()}), so a Channel can tell whether it may offer the release
 * without asking the store.
 */
public record ReleaseStatus(
    Phase phase,
    String releaseId,
    String manifestUrl,
    String manifestSha256,
    Long manifestSize,
    String keyId,
    List<DeltaStatus> deltas,
    String store,
    String message,
    Long observedGeneration,
    List<Condition> conditions,
    Transparency transparency) {

  public ReleaseStatus(
      Phase phase, String releaseId, String manifestUrl, String manifestSha256, Long manifestSize, String keyId, List<DeltaStatus> deltas,
      String store, String message, Long observedGeneration, List<Condition> conditions) {
    this(phase, releaseId, manifestUrl, manifestSha256, manifestSize, keyId, deltas, store, message, observedGeneration, conditions, null);
  }

  /** The manifest's transparency log entry (stored blob, origin, index), which the Channel puts into the index. */
  public record Transparency(String url, String sha256, Long size, String origin, Long logIndex) {}

  /** The phases, as {@code kubectl get releases} shows them. */
  public enum Phase {
    @JsonProperty("Pending") PENDING,
    @JsonProperty("Publishing") PUBLISHING,
    @JsonProperty("Published") PUBLISHED,
    @JsonProperty("Failed") FAILED
  }

  /** A published delta: from which launch asset, and how big. */
  public record DeltaStatus(String fromSha256, Long size) {}

  @JsonIgnore
  public boolean isPublished() {
    return phase == Phase.PUBLISHED;
  }
}
