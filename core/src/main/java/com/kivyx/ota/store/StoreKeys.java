package com.kivyx.ota.store;

import java.util.regex.Pattern;

/** Keys are relative paths with safe characters only, so no key can leave the store root. */
public final class StoreKeys {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*");

  private StoreKeys() {}

  public static boolean isSafe(String key) {
    if (key == null || !SAFE.matcher(key).matches()) {
      return false;
    }
    for (String segment : key.split("/")) {
      if (segment.equals(".") || segment.equals("..") || segment.startsWith(".")) {
        return false; // dot files are the store's own (temp files, locks)
      }
    }
    return true;
  }

  public static String requireSafe(String key) {
    if (!isSafe(key)) {
      throw new IllegalArgumentException("not a valid store key: '" + key + "'");
    }
    return key;
  }
}
