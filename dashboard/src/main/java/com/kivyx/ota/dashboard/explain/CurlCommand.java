package com.kivyx.ota.dashboard.explain;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.rollout.Device;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** The device's own {@code /update} request against the device server, as a shell line to paste. */
public final class CurlCommand {
  private CurlCommand() {}

  /** @param serverUrl the device server's base URL, e.g. {@code http://127.0.0.1:8080} */
  public static String update(String serverUrl, ChannelId channel, Device device) {
    return "curl -s " + shellQuote(updateUrl(serverUrl, channel, device));
  }

  public static String updateUrl(String serverUrl, ChannelId channel, Device device) {
    StringBuilder url = new StringBuilder(serverUrl.replaceAll("/+$", ""))
        .append("/v1/apps/").append(channel.appId()).append('/').append(channel.platform().id())
        .append("/channels/").append(channel.channel()).append("/update");
    Map<String, String> params = new java.util.LinkedHashMap<>();
    params.put("deviceId", device.deviceId());
    params.put("runtimeVersion", device.runtimeVersion());
    device.currentReleaseId().ifPresent(id -> params.put("currentReleaseId", id));
    device.rnVersion().ifPresent(v -> params.put("rnVersion", v));
    device.arch().ifPresent(a -> params.put("arch", a));
    new TreeMap<>(device.attributes()).forEach((name, value) -> params.put("attr." + name, value));
    char sep = '?';
    for (Map.Entry<String, String> p : params.entrySet()) {
      url.append(sep).append(encode(p.getKey())).append('=').append(encode(p.getValue()));
      sep = '&';
    }
    return url.toString();
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Single quotes keep the shell from reading '&' and '?'; a quote inside is closed, escaped and reopened. */
  static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
