package com.kivyx.ota.server.codepush;

import java.net.URI;
import java.util.Optional;

/**
 * How the CodePush acquisition API is served.
 *
 * @param downloadBase absolute URL (ending in {@code /}) that store paths are appended to in
 *     {@code download_url}, such as a CDN in front of the store; empty: this server's own
 *     address as the request names it (it serves a directory store's blobs itself)
 */
public record CodePushSettings(DeploymentKeys deployments, Optional<String> downloadBase) {
  public CodePushSettings {
    downloadBase = downloadBase.map(CodePushSettings::checkBase);
  }

  private static String checkBase(String base) {
    URI uri;
    try {
      uri = new URI(base);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("the CodePush download base '" + base + "' is not a URL: " + e.getMessage());
    }
    if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null
        || base.contains("\"") || base.contains("\\")) {
      throw new IllegalArgumentException("the CodePush download base must be an http(s) URL without query or fragment, like https://cdn.example.com/ota/");
    }
    return base.endsWith("/") ? base : base + "/";
  }
}
