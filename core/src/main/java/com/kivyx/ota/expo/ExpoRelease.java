package com.kivyx.ota.expo;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.kivyx.ota.format.Platform;
import java.util.List;
import java.util.Optional;

/**
 * What the manifest server sends an Expo client for one release, signed by the publisher
 * (the server holds no keys): the manifest and the rollBackToEmbedded directive as the exact
 * text that is sent and signed, each with its {@code expo-signature} value when the channel
 * has an Expo code-signing key, the certificate chain to serve, and BSDIFF40 patches to this
 * release's launch asset.
 *
 * <p>Stored once per release at {@link #key}; the server checks it against the release's
 * signed manifest before serving it (same update id, runtime version and file hashes), so a
 * document copied from another release is refused.
 */
public record ExpoRelease(
    String schema,
    String appId,
    Platform platform,
    String releaseId,
    String updateId,
    String manifest,
    @JsonInclude(JsonInclude.Include.NON_NULL) String manifestSignature,
    String rollBackToEmbedded,
    @JsonInclude(JsonInclude.Include.NON_NULL) String rollBackToEmbeddedSignature,
    @JsonInclude(JsonInclude.Include.NON_NULL) String certificateChain,
    List<ExpoPatch> patches) {
  public static final String SCHEMA = "kivyx.ota/expo-release@1";

  public ExpoRelease {
    if (!SCHEMA.equals(schema)) {
      throw new ExpoException("schema must be '" + SCHEMA + "', got '" + schema + "'");
    }
    if (manifest == null || rollBackToEmbedded == null || updateId == null || releaseId == null || appId == null || platform == null) {
      throw new ExpoException("an Expo release document needs appId, platform, releaseId, updateId, manifest and rollBackToEmbedded");
    }
    patches = patches == null ? List.of() : List.copyOf(patches);
  }

  /** Where the document of a release lives in the store (written once, like release records). */
  public static String key(String appId, Platform platform, String releaseId) {
    return "apps/" + appId + "/" + platform.id() + "/expo/" + releaseId + ".json";
  }

  public Optional<String> manifestSignatureValue() {
    return Optional.ofNullable(manifestSignature);
  }

  public Optional<String> rollBackToEmbeddedSignatureValue() {
    return Optional.ofNullable(rollBackToEmbeddedSignature);
  }

  public Optional<String> certificateChainValue() {
    return Optional.ofNullable(certificateChain);
  }

  /** A BSDIFF40 patch from an earlier release's launch asset (by its update id) to this one's. */
  public record ExpoPatch(String fromUpdateId, String fromReleaseId, String sha256, long size, String url) {}
}
