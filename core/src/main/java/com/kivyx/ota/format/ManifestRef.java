package com.kivyx.ota.format;

/** Where a signed release manifest lives, and the SHA-256 and size of its COSE bytes. */
public record ManifestRef(String url, String sha256, long size) {
  public ManifestRef {
    Check.relativeUrl("manifest url", url);
    Check.sha256("manifest sha256", sha256);
    Check.positive("manifest size", size);
  }
}
