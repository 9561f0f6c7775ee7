package com.kivyx.ota.format;

/** A patch that turns an older launch asset (by its SHA-256) into this release's one. */
public record DeltaRef(String fromSha256, String format, String sha256, long size, String url) {
  public static final String FORMAT_KVXD1 = "kvxd1";

  public DeltaRef {
    Check.sha256("delta fromSha256", fromSha256);
    if (!FORMAT_KVXD1.equals(format)) {
      throw new InvalidDocumentException("delta format must be 'kvxd1', got '" + format + "'");
    }
    Check.sha256("delta sha256", sha256);
    Check.positive("delta size", size);
    Check.relativeUrl("delta url", url);
  }
}
