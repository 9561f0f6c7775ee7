package com.kivyx.ota.server.codepush;

import com.kivyx.ota.format.Semver;
import com.kivyx.ota.rollout.Decision;
import com.kivyx.ota.rollout.Device;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Answers {@code update_check} with the one decision function: the device's binary version is
 * its runtime version (and its {@code appVersion} targeting attribute), {@code
 * client_unique_id} its device id, and the release it runs is found by package hash, else by
 * label (our labels are release ids).
 */
final class UpdateCheck {
  /** The names the decision function accepts as a current release id. */
  private static final Pattern RELEASE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private UpdateCheck() {}

  /** @param baseUrl absolute, ending in {@code /}: the download URL is it plus the blob's store path */
  static Buffer answer(CodePushChannel channel, UpdateCheckQuery query, String baseUrl) {
    Decision decision = channel.snapshot().decider().decide(device(channel, query));
    if (decision.kind() == Decision.Kind.UPDATE) {
      Offer offer = channel.offers().get(decision.releaseId().orElseThrow());
      if (offer != null && !query.packageHash().equals(Optional.of(offer.pkg().packageHash()))) {
        return offer.render(decision.mandatory(), baseUrl, query.sentAppVersion());
      }
      return noUpdate(channel, query, false);
    }
    boolean runBinary = decision.kind() == Decision.Kind.ROLL_BACK_TO_EMBEDDED || !channel.runtimes().contains(query.appVersion());
    return noUpdate(channel, query, runBinary);
  }

  static Device device(CodePushChannel channel, UpdateCheckQuery query) {
    Optional<String> current = query.packageHash().map(channel.releaseByPackageHash()::get);
    if (current.isEmpty()) {
      // a label naming one of this channel's releases needs no pattern
      current = query.label().filter(l -> channel.snapshot().knownReleases().contains(l) || RELEASE_ID.matcher(l).matches());
    }
    return new Device(query.clientUniqueId(), query.appVersion(), current, Optional.empty(), Optional.empty(), Map.of("appVersion", query.appVersion()));
  }

  /**
   * No update. When no release targets this binary, {@code should_run_binary_version}; and when
   * the channel's newest runtime version is above the binary's, {@code update_app_version} with
   * that version as {@code target_binary_range} (the SDK reports "update the app from the store").
   */
  private static Buffer noUpdate(CodePushChannel channel, UpdateCheckQuery query, boolean runBinary) {
    boolean storeUpdate =
        runBinary
            && channel.newestRuntime().isPresent()
            && Semver.parse(channel.newestRuntime().get()).orElseThrow().compareTo(Semver.parse(query.appVersion()).orElseThrow()) > 0;
    String range = storeUpdate ? channel.newestRuntime().get() : query.sentAppVersion();
    String quoted = Offer.quote(range);
    return Buffer.buffer(
        "{\"update_info\":{\"app_version\":" + quoted + ",\"description\":\"\",\"download_url\":\"\",\"is_available\":false,"
            + "\"is_mandatory\":false,\"label\":\"\",\"package_hash\":\"\",\"package_size\":0,\"should_run_binary_version\":" + runBinary
            + ",\"target_binary_range\":" + quoted + ",\"update_app_version\":" + storeUpdate + "}}");
  }

  /** A deployment whose channel has no signed index yet: run the binary's bundle. */
  static Buffer nothingPublished(UpdateCheckQuery query) {
    String quoted = Offer.quote(query.sentAppVersion());
    return Buffer.buffer(
        "{\"update_info\":{\"app_version\":" + quoted + ",\"description\":\"\",\"download_url\":\"\",\"is_available\":false,"
            + "\"is_mandatory\":false,\"label\":\"\",\"package_hash\":\"\",\"package_size\":0,\"should_run_binary_version\":true"
            + ",\"target_binary_range\":" + quoted + ",\"update_app_version\":false}}");
  }
}
