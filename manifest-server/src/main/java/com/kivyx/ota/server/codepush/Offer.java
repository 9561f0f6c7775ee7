package com.kivyx.ota.server.codepush;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.kivyx.ota.format.CodePushPackageRef;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * A release's CodePush package as an {@code update_check} answer, written once per snapshot.
 * Only the download URL's base and the device's own app version (echoed as {@code app_version}
 * and {@code target_binary_range}, which the client stores and compares with its binary's)
 * differ per request, so the answer is kept as the fixed pieces between them.
 */
record Offer(String releaseId, CodePushPackageRef pkg, byte[][] optional, byte[][] mandatory) {
  static Offer of(String releaseId, CodePushPackageRef pkg, String description) {
    return new Offer(releaseId, pkg, pieces(releaseId, pkg, description, false), pieces(releaseId, pkg, description, true));
  }

  /** @param appVersion as the device sent it (checked: semver characters only) */
  Buffer render(boolean isMandatory, String baseUrl, String appVersion) {
    byte[][] p = isMandatory ? mandatory : optional;
    return Buffer.buffer(p[0].length + p[1].length + p[2].length + p[3].length + baseUrl.length() + 2 * appVersion.length())
        .appendBytes(p[0])
        .appendString(appVersion)
        .appendBytes(p[1])
        .appendString(baseUrl)
        .appendBytes(p[2])
        .appendString(appVersion)
        .appendBytes(p[3]);
  }

  /** Keys in the order the reference server writes them; the client reads them by name. */
  private static byte[][] pieces(String releaseId, CodePushPackageRef pkg, String description, boolean isMandatory) {
    String head = "{\"update_info\":{\"app_version\":\"";
    String afterVersion = "\",\"description\":" + quote(description) + ",\"download_url\":\"";
    String afterBase =
        pkg.url() + "\",\"is_available\":true,\"is_mandatory\":" + isMandatory + ",\"label\":" + quote(releaseId) + ",\"package_hash\":\""
            + pkg.packageHash() + "\",\"package_size\":" + pkg.size()
            + ",\"should_run_binary_version\":false,\"target_binary_range\":\"";
    String tail = "\",\"update_app_version\":false}}";
    return new byte[][] {bytes(head), bytes(afterVersion), bytes(afterBase), bytes(tail)};
  }

  static String quote(String text) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
