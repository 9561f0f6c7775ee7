package com.kivyx.ota.dashboard.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A random secret per dashboard process, put into every write form. Another site cannot read
 * the page (same-origin policy), so it cannot send a write with the token; the Origin check in
 * front refuses cross-site POSTs too, and this holds where a browser sends no Origin.
 */
public final class CsrfToken {
  public static final String FIELD = "csrf";
  private final String value;

  public CsrfToken(SecureRandom random) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    this.value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public String value() {
    return value;
  }

  public boolean matches(String presented) {
    return presented != null && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "CsrfToken[…]";
  }
}
