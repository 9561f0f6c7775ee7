package com.kivyx.ota.store;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.Platform;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where things live in a store, relative to its root (DESIGN.md "URLs inside documents"):
 *
 * <pre>
 * apps/&lt;appId&gt;/blobs/sha256/&lt;hex&gt;                      bundles, assets, deltas, manifests
 * apps/&lt;appId&gt;/&lt;platform&gt;/&lt;channel&gt;/index.cose             the signed channel index
 * apps/&lt;appId&gt;/&lt;platform&gt;/releases/&lt;releaseId&gt;.json        the publisher's record of a release
 * apps/&lt;appId&gt;/keys.cose                                    the current signed key set
 * apps/&lt;appId&gt;/keys/&lt;version&gt;.cose                         every key set version (devices catching up walk them)
 * </pre>
 *
 * Release records are the publisher's own bookkeeping (which releases exist, their version
 * codes and manifests); devices never read them.
 */
public final class StoreLayout {
  public static final String IMMUTABLE_CACHE = "public, max-age=31536000, immutable";
  /** Short, so a CDN passes on a new index quickly; expiry inside the index bounds replay. */
  public static final String INDEX_CACHE = "public, max-age=30";
  public static final String COSE_CONTENT_TYPE = "application/cose";
  public static final String JSON_CONTENT_TYPE = "application/json";

  private static final Pattern INDEX_KEY =
      Pattern.compile("apps/(" + ChannelId.NAME.pattern() + ")/(ios|android)/(" + ChannelId.NAME.pattern() + ")/index\\.cose");

  private StoreLayout() {}

  public static String blob(String appId, String sha256) {
    return "apps/" + appId + "/blobs/sha256/" + sha256;
  }

  public static String index(ChannelId channel) {
    return "apps/" + channel.appId() + "/" + channel.platform().id() + "/" + channel.channel() + "/index.cose";
  }

  /** The channel whose index lives at a store key, or empty for any other key. */
  public static Optional<ChannelId> channelOfIndex(String key) {
    Matcher m = INDEX_KEY.matcher(key);
    return m.matches() ? Optional.of(new ChannelId(m.group(1), Platform.of(m.group(2)), m.group(3))) : Optional.empty();
  }

  /** The current key set of an app (mutable, replaced by compare-and-swap, short cache like the index). */
  public static String keySet(String appId) {
    return "apps/" + appId + "/keys.cose";
  }

  /** One key set version, written once: the chain a device that missed versions walks. */
  public static String keySetVersion(String appId, long version) {
    return "apps/" + appId + "/keys/" + version + ".cose";
  }

  public static String releasesPrefix(String appId, Platform platform) {
    return "apps/" + appId + "/" + platform.id() + "/releases/";
  }

  public static String releaseRecord(String appId, Platform platform, String releaseId) {
    return releasesPrefix(appId, platform) + releaseId + ".json";
  }

  /** Cache-Control for an object, derived from its key, so every store labels alike. */
  public static String cacheControl(String key) {
    return key.endsWith("/index.cose") || key.endsWith("/keys.cose") ? INDEX_CACHE : IMMUTABLE_CACHE;
  }
}
