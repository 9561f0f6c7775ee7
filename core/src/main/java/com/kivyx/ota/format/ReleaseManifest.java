package com.kivyx.ota.format;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The signed, immutable description of one release: what to download and how to check it.
 * {@code codePush} is null unless the release was also packaged for react-native-code-push
 * clients (written only when present, so manifests without it keep their bytes). {@code
 * provenance} likewise: null unless the release was published with an attestation.
 */
public record ReleaseManifest(
    String schema,
    String appId,
    Platform platform,
    String releaseId,
    String version,
    long versionCode,
    String runtimeVersion,
    String createdAt,
    Asset launchAsset,
    List<Asset> assets,
    List<DeltaRef> deltas,
    Map<String, String> metadata,
    CodePushPackageRef codePush,
    Provenance provenance) {
  public static final String SCHEMA = "kivyx.ota/release@1";
  public static final String CONTENT_TYPE = "application/vnd.kivyx.ota.release+json";

  public ReleaseManifest {
    if (!SCHEMA.equals(schema)) {
      throw new InvalidDocumentException("schema must be '" + SCHEMA + "', got '" + schema + "'");
    }
    Check.name("appId", appId);
    Check.present("platform", platform);
    Check.name("releaseId", releaseId);
    Check.text("version", version, 64);
    Check.nonNegative("versionCode", versionCode);
    Check.text("runtimeVersion", runtimeVersion, 64);
    Check.timestamp("createdAt", createdAt);
    Check.present("launchAsset", launchAsset);
    assets = Check.list(assets);
    deltas = Check.list(deltas);
    Check.unique("assets", assets.stream().map(Asset::path).toList());
    Check.unique("deltas", deltas.stream().map(DeltaRef::fromSha256).toList());
    metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(metadata));
  }

  /** The same manifest without a CodePush package (the field came later; most callers need none). */
  public ReleaseManifest(
      String schema, String appId, Platform platform, String releaseId, String version, long versionCode, String runtimeVersion,
      String createdAt, Asset launchAsset, List<Asset> assets, List<DeltaRef> deltas, Map<String, String> metadata) {
    this(schema, appId, platform, releaseId, version, versionCode, runtimeVersion, createdAt, launchAsset, assets, deltas, metadata, null);
  }

  /** The same manifest without provenance. */
  public ReleaseManifest(
      String schema, String appId, Platform platform, String releaseId, String version, long versionCode, String runtimeVersion,
      String createdAt, Asset launchAsset, List<Asset> assets, List<DeltaRef> deltas, Map<String, String> metadata,
      CodePushPackageRef codePush) {
    this(schema, appId, platform, releaseId, version, versionCode, runtimeVersion, createdAt, launchAsset, assets, deltas, metadata, codePush, null);
  }

  public java.util.Optional<Provenance> provenanceInfo() {
    return java.util.Optional.ofNullable(provenance);
  }

  public java.util.Optional<CodePushPackageRef> codePushPackage() {
    return java.util.Optional.ofNullable(codePush);
  }
}
