package com.kivyx.ota.server;

import com.kivyx.ota.store.Sha256;

/** Strong ETags over bytes, and the {@code If-None-Match} test. */
final class ETags {
  private ETags() {}

  /** 128 bits of the SHA-256 are plenty to tell versions of one resource apart. */
  static String strong(byte[] body) {
    return "\"" + Sha256.hex(body).substring(0, 32) + "\"";
  }

  static String ofHex(String hex) {
    return "\"" + hex + "\"";
  }

  /** RFC 9110 13.1.2: weak comparison, a list of tags or {@code *}. */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.trim();
      if (tag.equals("*")) {
        return true;
      }
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals(etag)) {
        return true;
      }
    }
    return false;
  }
}
