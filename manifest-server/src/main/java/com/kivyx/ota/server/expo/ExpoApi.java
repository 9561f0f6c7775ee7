package com.kivyx.ota.server.expo;

import com.kivyx.ota.rollout.Decision;
import com.kivyx.ota.rollout.DecisionFunction;
import com.kivyx.ota.rollout.Device;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.server.ChannelSnapshot;
import com.kivyx.ota.server.Snapshot;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code GET /v1/apps/{appId}/expo/manifest}: Expo Updates protocol v1 over the channel index,
 * deciding with the same {@link DecisionFunction} as our own clients. A pure function of the
 * request headers and the snapshot; every body it returns was built (and signed by the
 * publisher) before the request came.
 *
 * <ul>
 *   <li>channel: {@code expo-channel-name}, default {@value #DEFAULT_CHANNEL}; platform and
 *       runtime version: {@code expo-platform}, {@code expo-runtime-version}
 *   <li>bucketing: on {@code EAS-Client-ID} (a device without one buckets as {@value #ANONYMOUS})
 *   <li>current release: {@code Expo-Current-Update-ID} unless it equals {@code
 *       Expo-Embedded-Update-ID}; an update id this channel never had counts as an unknown release
 *   <li>answers: update → manifest (+ extensions, certificate chain); none → 204;
 *       rollBackToEmbedded → the signed directive (multipart only: JSON has no directives, so 204)
 * </ul>
 */
public final class ExpoApi {
  public static final String DEFAULT_CHANNEL = "production";
  static final String ANONYMOUS = "expo-anonymous";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final String UNKNOWN_UPDATE = "expo-update:";

  private final ExpoTelemetry telemetry;
  /** The last Accept header and its format: a fleet of one app sends the same one on every poll. */
  private volatile Negotiated lastAccept = new Negotiated("", AcceptedFormat.negotiate(""));
  /**
   * Channels requests named, per snapshot: (app, platform header, channel) checked once instead
   * of three patterns per poll. Racy slots of immutable records: a lost write is a miss.
   */
  private final Route[] routes;

  private record Negotiated(String accept, Optional<AcceptedFormat> format) {}

  private record Route(Snapshot snapshot, String appId, String platform, String channel, ChannelId key, Optional<ChannelSnapshot> served) {}

  public ExpoApi(ExpoTelemetry telemetry) {
    this(telemetry, 64);
  }

  /** @param routeSlots channels remembered at once, a power of two (1 in tests: every route shares the slot) */
  public ExpoApi(ExpoTelemetry telemetry, int routeSlots) {
    if (Integer.bitCount(routeSlots) != 1) {
      throw new IllegalArgumentException("routeSlots must be a power of two, got " + routeSlots);
    }
    this.telemetry = telemetry;
    this.routes = new Route[routeSlots];
  }

  /** @param header a request header by (case-insensitive) name, or null */
  public ExpoResponse respond(String appId, Function<String, String> header, Optional<Snapshot> snapshot) {
    Optional<AcceptedFormat> format = negotiate(header.apply("accept"));
    if (format.isEmpty()) {
      return ExpoResponse.error(406, "not_acceptable", "this server answers multipart/mixed, application/expo+json or application/json");
    }
    String protocol = header.apply("expo-protocol-version");
    if (protocol != null && !protocol.trim().equals("0") && !protocol.trim().equals("1")) {
      return ExpoResponse.error(406, "unsupported_protocol", "this server speaks Expo Updates protocol 0 and 1, not " + protocol);
    }
    String platform = header.apply("expo-platform");
    String runtime = header.apply("expo-runtime-version");
    String channelHeader = header.apply("expo-channel-name");
    String channel = channelHeader == null || channelHeader.trim().isEmpty() ? DEFAULT_CHANNEL : channelHeader.trim();
    if (platform == null || runtime == null || runtime.isBlank()) {
      return ExpoResponse.error(400, "missing_header", "send expo-platform (ios or android) and expo-runtime-version");
    }
    if (!text(runtime, 64)) {
      return ExpoResponse.error(400, "bad_header", BAD_HEADER);
    }
    Route route = snapshot.isEmpty() ? null : route(snapshot.get(), appId, platform, channel);
    if (route == null) {
      if (!NAME.matcher(channel).matches()) {
        return ExpoResponse.error(400, "bad_header", BAD_HEADER);
      }
      Optional<ChannelId> key = ChannelId.parse(appId, platform.trim().toLowerCase(Locale.ROOT), channel);
      if (key.isEmpty()) {
        return ExpoResponse.error(400, "bad_header", "expo-platform must be ios or android");
      }
      if (snapshot.isEmpty()) {
        return ExpoResponse.error(503, "not_ready", "no channel snapshot loaded yet; retry shortly");
      }
      route = new Route(snapshot.get(), appId, platform, channel, key.get(), snapshot.get().channel(key.get()));
      routes[slot(appId, platform, channel)] = route;
    }
    Optional<ChannelSnapshot> served = route.served();
    if (served.isEmpty() || served.get().expo().documents().isEmpty()) {
      return ExpoResponse.error(404, "unknown_channel", "no channel " + route.key() + " with Expo releases is served here (publish with --expo-asset-base-url)");
    }
    ChannelSnapshot ch = served.get();
    ExpoChannel expo = ch.expo();
    String clientId = header.apply("eas-client-id");
    String deviceId = clientId == null || !text(clientId.trim(), 128) ? ANONYMOUS : clientId.trim();
    String current = lower(header.apply("expo-current-update-id"));
    String embedded = lower(header.apply("expo-embedded-update-id"));
    telemetry.observe(
        new ExpoTelemetry.Report(route.key(), deviceId, current, header.apply("expo-recent-failed-update-ids"), header.apply("expo-fatal-error")),
        expo.releaseByUpdateId()::get,
        ch.knownReleases());

    Optional<String> currentRelease =
        current == null || current.isEmpty() || current.equals(embedded)
            ? Optional.empty()
            : Optional.of(expo.releaseByUpdateId().getOrDefault(current, UNKNOWN_UPDATE + current));
    Decision decision = ch.decider().decide(new Device(deviceId, runtime.trim(), currentRelease, Optional.empty(), Optional.empty(), Map.of()));
    return switch (decision.kind()) {
      case NONE -> ExpoResponse.NO_CONTENT;
      // A release published without Expo output has nothing to send an Expo client: it stays put.
      case UPDATE -> Optional.ofNullable(expo.updates().get(decision.releaseId().orElseThrow())).map(u -> u.in(format.get())).orElse(ExpoResponse.NO_CONTENT);
      case ROLL_BACK_TO_EMBEDDED -> format.get() != AcceptedFormat.MULTIPART
          ? ExpoResponse.NO_CONTENT
          : currentRelease.map(expo.rollBacks()::get).or(expo::latestRollBack).orElse(ExpoResponse.NO_CONTENT);
    };
  }

  /**
   * The BSDIFF40 patch an expo-updates launch-asset request asks for ({@code A-IM: bsdiff},
   * {@code If-None-Match}: the update it runs, {@code If-Match}: the update it installs), if
   * the publisher made one that turns that update's bundle into {@code sha256}.
   */
  public Optional<ExpoChannel.Patch> patchFor(String appId, String sha256, Function<String, String> header, Optional<Snapshot> snapshot) {
    String aim = header.apply("a-im");
    if (aim == null || !aim.toLowerCase(Locale.ROOT).contains("bsdiff") || snapshot.isEmpty()) {
      return Optional.empty();
    }
    String current = unquote(lower(header.apply("if-none-match")));
    String requested = unquote(lower(header.apply("if-match")));
    if (current == null || requested == null) {
      return Optional.empty();
    }
    return snapshot.get().channels().entrySet().stream()
        .filter(e -> e.getKey().appId().equals(appId))
        .map(e -> e.getValue().expo().patches().get(requested + " " + current))
        .filter(p -> p != null && p.targetSha256().equals(sha256))
        .findFirst();
  }

  private static final String BAD_HEADER = "expo-runtime-version is 1-64 characters, expo-channel-name 1-128 letters, digits, '.', '_' or '-'";

  private Optional<AcceptedFormat> negotiate(String accept) {
    String value = accept == null ? "" : accept;
    Negotiated last = lastAccept;
    if (!last.accept().equals(value)) {
      last = new Negotiated(value, AcceptedFormat.negotiate(value));
      lastAccept = last;
    }
    return last.format();
  }

  /** The channel this request named under the current snapshot, if an earlier request checked it. */
  private Route route(Snapshot snapshot, String appId, String platform, String channel) {
    Route r = routes[slot(appId, platform, channel)];
    return r != null && r.snapshot() == snapshot && r.appId().equals(appId) && r.platform().equals(platform) && r.channel().equals(channel) ? r : null;
  }

  private int slot(String appId, String platform, String channel) {
    return ((appId.hashCode() * 31 + platform.hashCode()) * 31 + channel.hashCode()) & (routes.length - 1);
  }

  private static String unquote(String value) {
    if (value == null) {
      return null;
    }
    String v = value.trim();
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
  }

  private static String lower(String value) {
    return value == null ? null : value.trim().toLowerCase(Locale.ROOT);
  }

  private static boolean text(String value, int maxLength) {
    if (value.isEmpty() || value.length() > maxLength) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
