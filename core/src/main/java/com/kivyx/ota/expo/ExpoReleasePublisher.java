package com.kivyx.ota.expo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kivyx.ota.delta.Brotli;
import com.kivyx.ota.delta.Bsdiff40Encoder;
import com.kivyx.ota.delta.DeltaBudget;
import com.kivyx.ota.delta.DeltaBudgetExceededException;
import com.kivyx.ota.format.CanonicalJson;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.format.ReleaseManifest;
import com.kivyx.ota.publish.Progress;
import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.store.Sha256;
import com.kivyx.ota.store.StoreLayout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * After a release is published, writes its {@link ExpoRelease}: the Expo manifest and
 * rollBackToEmbedded directive, signed with the channel's Expo code-signing key when it has
 * one, and BSDIFF40 patches from up to {@link #PATCH_BASES} earlier Expo releases of the same
 * runtime version (kept under the kvxd1 rule: smaller than half the Brotli-compressed bundle).
 * A document already there is kept: releases are immutable, and so is what devices were sent.
 */
public final class ExpoReleasePublisher {
  public static final int PATCH_BASES = 3;
  public static final String PATCH_CONTENT_TYPE = "application/vnd.bsdiff";

  private final ArtifactStore store;
  private final ExpoManifestBuilder builder;
  private final Optional<ExpoCodeSigning> signing;
  private final Optional<DeltaBudget> patchBudget;
  private final Progress progress;
  private final Documents documents = new Documents();

  /** @param patchBudget empty: no patches */
  public ExpoReleasePublisher(
      ArtifactStore store, ExpoManifestBuilder builder, Optional<ExpoCodeSigning> signing, Optional<DeltaBudget> patchBudget, Progress progress) {
    this.store = store;
    this.builder = builder;
    this.signing = signing;
    this.patchBudget = patchBudget;
    this.progress = progress;
  }

  public ExpoRelease publish(ReleaseManifest release, Optional<ObjectNode> expoClient) {
    String key = ExpoRelease.key(release.appId(), release.platform(), release.releaseId());
    Optional<ExpoRelease> existing = read(key);
    if (existing.isPresent()) {
      progress.step("Expo manifest of " + release.releaseId() + " is already at " + key + "; kept as it is");
      return existing.get();
    }
    String manifest = builder.manifest(release, expoClient);
    String rollBack = builder.rollBackToEmbedded(release);
    ExpoRelease document =
        new ExpoRelease(
            ExpoRelease.SCHEMA,
            release.appId(),
            release.platform(),
            release.releaseId(),
            ExpoUpdateIds.updateId(release.appId(), release.platform(), release.releaseId()).toString(),
            manifest,
            signing.map(s -> s.signatureHeader(manifest)).orElse(null),
            rollBack,
            signing.map(s -> s.signatureHeader(rollBack)).orElse(null),
            signing.flatMap(ExpoCodeSigning::certificateChain).orElse(null),
            patches(release));
    store.putImmutable(key, CanonicalJson.write(documents.mapper().valueToTree(document)), StoreLayout.JSON_CONTENT_TYPE);
    progress.step(
        "Expo manifest of " + release.releaseId() + " (update " + document.updateId() + ") at " + key
            + (signing.isPresent() ? ", signed with keyid " + signing.get().keyid() : ", unsigned") + ", " + document.patches().size() + " bsdiff patch(es)");
    return document;
  }

  private Optional<ExpoRelease> read(String key) {
    return store.read(key).map(o -> parse(key, o.bytes()));
  }

  private ExpoRelease parse(String key, byte[] bytes) {
    try {
      return documents.mapper().readValue(bytes, ExpoRelease.class);
    } catch (IOException e) {
      throw new ExpoException("the Expo release document " + key + " is unreadable: " + e.getMessage(), e);
    }
  }

  /** An earlier Expo release that could be a patch base. */
  private record Base(ExpoRelease release, String createdAt, String launchSha256) {}

  private List<ExpoRelease.ExpoPatch> patches(ReleaseManifest release) {
    if (patchBudget.isEmpty()) {
      return List.of();
    }
    String launchSha = release.launchAsset().sha256();
    List<Base> bases = new ArrayList<>();
    for (String key : store.list("apps/" + release.appId() + "/" + release.platform().id() + "/expo/")) {
      if (!key.endsWith(".json")) {
        continue;
      }
      try {
        ExpoRelease other = read(key).orElseThrow();
        JsonNode manifest = documents.mapper().readTree(other.manifest());
        String createdAt = manifest.path("createdAt").asText();
        String otherLaunch = manifest.path("launchAsset").path("key").asText();
        if (manifest.path("runtimeVersion").asText().equals(release.runtimeVersion())
            && !other.releaseId().equals(release.releaseId())
            && !otherLaunch.equals(launchSha)
            && createdAt.compareTo(ExpoUpdateIds.millis(java.time.Instant.parse(release.createdAt()))) <= 0) {
          bases.add(new Base(other, createdAt, otherLaunch));
        }
      } catch (IOException | RuntimeException e) {
        progress.step("not a bsdiff base: " + key + " (" + e.getMessage() + ")");
      }
    }
    bases.sort(Comparator.comparing(Base::createdAt).reversed());
    if (bases.isEmpty()) {
      return List.of();
    }
    byte[] full = store.read(release.launchAsset().url()).orElseThrow(() -> new ExpoException("launch asset " + release.launchAsset().url() + " is not in the store")).bytes();
    long compressed = Brotli.compress(full).length;
    Bsdiff40Encoder encoder = new Bsdiff40Encoder(patchBudget.get());
    List<ExpoRelease.ExpoPatch> patches = new ArrayList<>();
    for (Base base : bases.subList(0, Math.min(PATCH_BASES, bases.size()))) {
      Optional<byte[]> old = store.read(StoreLayout.blob(release.appId(), base.launchSha256())).map(o -> o.bytes());
      if (old.isEmpty() || !Sha256.hex(old.get()).equals(base.launchSha256())) {
        progress.step("no bsdiff patch from " + base.release().releaseId() + ": its launch asset is missing or damaged");
        continue;
      }
      byte[] patch;
      try {
        patch = encoder.encode(old.get(), full);
      } catch (DeltaBudgetExceededException e) {
        progress.step("no bsdiff patch from " + base.release().releaseId() + ": " + e.getMessage());
        continue;
      }
      if (patch.length * 2L >= compressed) {
        progress.step("no bsdiff patch from " + base.release().releaseId() + ": " + patch.length + " bytes is not under half of the " + compressed + "-byte compressed bundle");
        continue;
      }
      String sha = Sha256.hex(patch);
      String key = StoreLayout.blob(release.appId(), sha);
      store.putImmutable(key, patch, PATCH_CONTENT_TYPE);
      patches.add(new ExpoRelease.ExpoPatch(base.release().updateId(), base.release().releaseId(), sha, patch.length, key));
      progress.step("bsdiff patch from " + base.release().releaseId() + ": " + patch.length + " bytes (full bundle compressed: " + compressed + ")");
    }
    return patches;
  }
}
