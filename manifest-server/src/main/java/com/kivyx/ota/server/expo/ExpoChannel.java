package com.kivyx.ota.server.expo;

import com.kivyx.ota.expo.ExpoRelease;
import java.util.Map;
import java.util.Optional;

/**
 * The Expo side of one served channel, built with its snapshot: every answer already made,
 * so a request only runs the decision function and picks one.
 *
 * @param documents checked Expo release documents by release id (reused by the next snapshot)
 * @param releaseByUpdateId the release each update id stands for: offered and revoked releases
 * @param updates the update answer of each offered release that has an Expo document
 * @param rollBacks the rollBackToEmbedded answer that takes a device off each release
 * @param latestRollBack for a device on an update we do not know: the latest commit time we have
 * @param patches BSDIFF40 patches by {@code requestedUpdateId + " " + currentUpdateId}
 */
public record ExpoChannel(
    Map<String, ExpoRelease> documents,
    Map<String, String> releaseByUpdateId,
    Map<String, Update> updates,
    Map<String, ExpoResponse> rollBacks,
    Optional<ExpoResponse> latestRollBack,
    Map<String, Patch> patches) {
  public static final ExpoChannel NONE = new ExpoChannel(Map.of(), Map.of(), Map.of(), Map.of(), Optional.empty(), Map.of());

  public ExpoChannel {
    documents = Map.copyOf(documents);
    releaseByUpdateId = Map.copyOf(releaseByUpdateId);
    updates = Map.copyOf(updates);
    rollBacks = Map.copyOf(rollBacks);
    patches = Map.copyOf(patches);
  }

  /** One release's manifest answer in both formats. */
  public record Update(ExpoResponse multipart, ExpoResponse expoJson, ExpoResponse json) {
    ExpoResponse in(AcceptedFormat format) {
      return switch (format) {
        case MULTIPART -> multipart;
        case EXPO_JSON -> expoJson;
        case JSON -> json;
      };
    }
  }

  /** A patch a device on {@code currentUpdateId} may get instead of the launch asset {@code targetSha256}. */
  public record Patch(String targetSha256, String currentUpdateId, String requestedUpdateId, String url, String sha256, long size) {}
}
