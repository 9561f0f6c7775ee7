package com.kivyx.ota.testing;

import com.kivyx.ota.format.Asset;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.DeltaRef;
import com.kivyx.ota.format.ManifestRef;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.format.ReleaseManifest;
import com.kivyx.ota.format.RolloutInfo;
import com.kivyx.ota.format.Targeting;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Small, fixed documents for tests and golden vectors. */
public final class SampleDocuments {
  public static final String APP = "com.kivyx.app";

  private SampleDocuments() {}

  public static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String blobUrl(String sha256) {
    return "apps/" + APP + "/blobs/sha256/" + sha256;
  }

  public static Asset asset(String path, String contentType, long size) {
    String sha = sha256Hex(path);
    return new Asset(path, sha, size, contentType, blobUrl(sha));
  }

  public static ReleaseManifest release(String releaseId, long versionCode, List<Asset> assets, List<DeltaRef> deltas, Map<String, String> metadata) {
    return new ReleaseManifest(
        ReleaseManifest.SCHEMA,
        APP,
        Platform.IOS,
        releaseId,
        "1.2." + versionCode,
        versionCode,
        "1.2.0",
        "2026-11-27T10:00:00Z",
        asset("index.ios.bundle", "application/javascript", 1_447_853),
        assets,
        deltas,
        metadata);
  }

  public static ChannelRelease entry(
      String releaseId, long versionCode, String runtimeVersion, int weight, boolean mandatory, Targeting targeting) {
    String manifestSha = sha256Hex("manifest " + releaseId);
    return new ChannelRelease(
        releaseId,
        versionCode,
        runtimeVersion,
        new ManifestRef(blobUrl(manifestSha), manifestSha, 812),
        new RolloutInfo("ro-" + releaseId, weight, mandatory, targeting));
  }

  public static ChannelIndex index(long version, long minVersionCode, List<ChannelRelease> releases, List<String> revoked) {
    return new ChannelIndex(
        ChannelIndex.SCHEMA,
        APP,
        Platform.IOS,
        "production",
        version,
        "2026-11-27T10:00:00Z",
        "2026-12-04T10:00:00Z",
        minVersionCode,
        releases,
        revoked);
  }
}
