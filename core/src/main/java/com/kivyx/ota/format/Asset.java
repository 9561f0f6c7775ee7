package com.kivyx.ota.format;

/** One file of a release (the launch bundle or an asset), addressed by its SHA-256. */
public record Asset(String path, String sha256, long size, String contentType, String url) {
  public Asset {
    Check.text("asset path", path, 1024);
    if (path.startsWith("/") || path.contains("\\") || ("/" + path + "/").contains("/../")) {
      throw new InvalidDocumentException("asset path must be relative and stay inside the bundle: '" + path + "'");
    }
    Check.sha256("sha256 of " + path, sha256);
    Check.positive("size of " + path, size);
    Check.text("contentType of " + path, contentType, 255);
    Check.relativeUrl("url of " + path, url);
  }
}
