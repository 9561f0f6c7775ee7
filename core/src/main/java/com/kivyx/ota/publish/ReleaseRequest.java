package com.kivyx.ota.publish;

import com.kivyx.ota.codepush.CodePushOptions;
import com.kivyx.ota.format.Platform;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything needed to publish one release. */
public record ReleaseRequest(
    String appId,
    Platform platform,
    String releaseId,
    String version,
    long versionCode,
    String runtimeVersion,
    AssetSource launchAsset,
    List<AssetSource> assets,
    Map<String, String> metadata,
    Optional<CodePushOptions> codePush) {
  public ReleaseRequest {
    assets = List.copyOf(assets);
    metadata = Map.copyOf(metadata);
  }

  /** A release without a CodePush package. */
  public ReleaseRequest(
      String appId, Platform platform, String releaseId, String version, long versionCode, String runtimeVersion,
      AssetSource launchAsset, List<AssetSource> assets, Map<String, String> metadata) {
    this(appId, platform, releaseId, version, versionCode, runtimeVersion, launchAsset, assets, metadata, Optional.empty());
  }

  /** The same release, also packaged for react-native-code-push clients. */
  public ReleaseRequest withCodePush(CodePushOptions options) {
    return new ReleaseRequest(appId, platform, releaseId, version, versionCode, runtimeVersion, launchAsset, assets, metadata, Optional.of(options));
  }

  /** The default release id when none is given: {@code <version>-<versionCode>}. */
  public static String defaultReleaseId(String version, long versionCode) {
    return version.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + versionCode;
  }
}
