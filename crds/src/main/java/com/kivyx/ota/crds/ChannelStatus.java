package com.kivyx.ota.crds;

import java.util.List;

/** The signed index of each platform, so servers can read it without touching the store. */
public record ChannelStatus(List<PlatformIndex> platforms, Long observedGeneration, String message, List<Condition> conditions) {

  /** One platform's current index. */
  public record PlatformIndex(String platform, Long indexVersion, String sha256, String issuedAt, String expiresAt, Integer releases, String index) {}
}
