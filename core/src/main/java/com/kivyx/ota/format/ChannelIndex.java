package com.kivyx.ota.format;

import java.time.Instant;
import java.util.List;

/** The signed list of what a channel offers, re-signed on every change and before expiry. */
public record ChannelIndex(
    String schema,
    String appId,
    Platform platform,
    String channel,
    long version,
    String issuedAt,
    String expiresAt,
    long minVersionCode,
    List<ChannelRelease> releases,
    List<String> revoked) {
  public static final String SCHEMA = "kivyx.ota/channel-index@1";
  public static final String CONTENT_TYPE = "application/vnd.kivyx.ota.channel-index+json";

  public ChannelIndex {
    if (!SCHEMA.equals(schema)) {
      throw new InvalidDocumentException("schema must be '" + SCHEMA + "', got '" + schema + "'");
    }
    Check.name("appId", appId);
    Check.present("platform", platform);
    Check.name("channel", channel);
    Check.positive("index version", version);
    Check.timestamp("issuedAt", issuedAt);
    Check.timestamp("expiresAt", expiresAt);
    if (!Instant.parse(expiresAt).isAfter(Instant.parse(issuedAt))) {
      throw new InvalidDocumentException("expiresAt must be after issuedAt");
    }
    Check.nonNegative("minVersionCode", minVersionCode);
    releases = Check.list(releases);
    revoked = Check.list(revoked);
    Check.unique("releases", releases.stream().map(ChannelRelease::releaseId).toList());
    // One answer per device: two releases of a runtime may not tie on versionCode.
    Check.unique(
        "releases (runtimeVersion, versionCode)",
        releases.stream().map(r -> r.runtimeVersion() + " / versionCode " + r.versionCode()).toList());
    Check.unique("revoked", revoked);
    revoked.forEach(id -> Check.name("revoked releaseId", id));
  }

  public Instant expiresAtInstant() {
    return Instant.parse(expiresAt);
  }

  public Instant issuedAtInstant() {
    return Instant.parse(issuedAt);
  }
}
