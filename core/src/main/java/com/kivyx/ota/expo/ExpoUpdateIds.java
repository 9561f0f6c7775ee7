package com.kivyx.ota.expo;

import com.kivyx.ota.format.Platform;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/** The identifiers and spellings the Expo Updates protocol wants for a Kivyx release. */
public final class ExpoUpdateIds {
  /**
   * Exactly milliseconds: the Android client parses only {@code …ss.SSSX}; without a fraction
   * the time silently becomes "now", and 6 or 9 digits are misread (PROTOCOLS.md section 3).
   */
  private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private ExpoUpdateIds() {}

  /**
   * The update id of a release: a name-based UUID of app, platform and release id, so every
   * publisher and every server replica derive the same one, and the server can recognise the
   * id a device echoes in {@code Expo-Current-Update-ID} even for a revoked release.
   */
  public static UUID updateId(String appId, Platform platform, String releaseId) {
    return UUID.nameUUIDFromBytes(("kivyx-ota/expo-update/" + appId + "/" + platform.id() + "/" + releaseId).getBytes(StandardCharsets.UTF_8));
  }

  /** The manifest's {@code hash}: base64url (RFC 4648, no padding) of the SHA-256. */
  public static String hashOfHex(String sha256Hex) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(HexFormat.of().parseHex(sha256Hex));
  }

  public static String millis(Instant time) {
    return MILLIS.format(time);
  }
}
