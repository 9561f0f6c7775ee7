package com.kivyx.ota.expo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kivyx.ota.format.Asset;
import com.kivyx.ota.format.CanonicalJson;
import com.kivyx.ota.format.ReleaseManifest;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Expo manifest and rollBackToEmbedded directive of a release, as the exact text that is
 * signed and sent. Asset URLs are absolute: expo-updates does not resolve relative ones, and the
 * bytes are signed at publish time, so the base (the CDN or manifest server in front of the
 * store) is fixed then.
 */
public final class ExpoManifestBuilder {
  private static final Pattern EXTENSION = Pattern.compile("\\.[A-Za-z0-9]{1,16}");
  private final String assetBaseUrl;

  /** @param assetBaseUrl absolute http(s) URL of the store root, e.g. {@code https://cdn.example.com/ota/} */
  public ExpoManifestBuilder(String assetBaseUrl) {
    this.assetBaseUrl = checkBaseUrl(assetBaseUrl);
  }

  public String assetBaseUrl() {
    return assetBaseUrl;
  }

  /** @param expoClient the app's public Expo config for {@code extra.expoClient} (what Constants.expoConfig reads), if known */
  public String manifest(ReleaseManifest release, Optional<ObjectNode> expoClient) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    ObjectNode root = json.objectNode();
    root.put("id", ExpoUpdateIds.updateId(release.appId(), release.platform(), release.releaseId()).toString());
    root.put("createdAt", ExpoUpdateIds.millis(createdAt(release)));
    root.put("runtimeVersion", release.runtimeVersion());
    root.set("launchAsset", asset(release.launchAsset(), true));
    ArrayNode assets = root.putArray("assets");
    release.assets().forEach(a -> assets.add(asset(a, false)));
    ObjectNode metadata = root.putObject("metadata");
    release.metadata().forEach(metadata::put);
    ObjectNode extra = root.putObject("extra");
    expoClient.ifPresent(c -> extra.set("expoClient", c));
    return new String(CanonicalJson.write(root), StandardCharsets.UTF_8);
  }

  /**
   * One millisecond after the release's creation: expo-updates moves the embedded update's
   * commit time to this and rolls back only when it is after the running update's, so it
   * rolls a device back from this release, while every later release stays newer than it.
   */
  public String rollBackToEmbedded(ReleaseManifest release) {
    ObjectNode root = JsonNodeFactory.instance.objectNode().put("type", "rollBackToEmbedded");
    root.putObject("parameters").put("commitTime", ExpoUpdateIds.millis(createdAt(release).plusMillis(1)));
    return new String(CanonicalJson.write(root), StandardCharsets.UTF_8);
  }

  private ObjectNode asset(Asset asset, boolean launch) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("hash", ExpoUpdateIds.hashOfHex(asset.sha256()));
    node.put("key", asset.sha256());
    node.put("contentType", launch ? "application/javascript" : asset.contentType());
    // Android drops a non-launch asset without one (PROTOCOLS.md section 3); ignored on the launch asset
    node.put("fileExtension", fileExtension(asset.path()));
    node.put("url", assetBaseUrl + asset.url());
    return node;
  }

  static String fileExtension(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    String extension = dot <= 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
    return EXTENSION.matcher(extension).matches() ? extension : ".bin";
  }

  private static Instant createdAt(ReleaseManifest release) {
    return Instant.parse(release.createdAt());
  }

  private static String checkBaseUrl(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new ExpoException("the Expo asset base URL is not a URL: " + e.getMessage());
    }
    if (!uri.isAbsolute() || uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
        || uri.getQuery() != null || uri.getFragment() != null) {
      throw new ExpoException(
          "the Expo asset base URL must be an absolute http(s) URL of the store root without query or fragment (e.g. https://cdn.example.com/ota/), got '" + url + "'");
    }
    return url.endsWith("/") ? url : url + "/";
  }
}
