package com.kivyx.ota.rollout;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Places a device in one of 10000 buckets per rollout; the same inputs always give the same bucket. */
public final class Buckets {
  public static final int COUNT = 10_000;

  private Buckets() {}

  /** First 4 bytes of {@code SHA-256(rolloutId + ":" + deviceId)}, unsigned big-endian, mod 10000. */
  public static int bucket(String rolloutId, String deviceId) {
    byte[] hash;
    try {
      hash =
          MessageDigest.getInstance("SHA-256")
              .digest((rolloutId + ":" + deviceId).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long first4 =
        ((hash[0] & 0xffL) << 24) | ((hash[1] & 0xffL) << 16) | ((hash[2] & 0xffL) << 8) | (hash[3] & 0xffL);
    return (int) (first4 % COUNT);
  }
}
