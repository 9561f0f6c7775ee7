package com.kivyx.ota.publish;

import com.kivyx.ota.format.Platform;
import java.util.List;
import java.util.Map;

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
    Map<String, String> metadata) {
  public ReleaseRequest {
    assets = List.copyOf(assets);
    metadata = Map.copyOf(metadata);
  }

  /** The default release id when none is given: {@code <version>-<versionCode>}. */
  public static String defaultReleaseId(String version, long versionCode) {
    return version.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + versionCode;
  }
}
