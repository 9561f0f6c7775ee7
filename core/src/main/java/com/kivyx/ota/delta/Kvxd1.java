package com.kivyx.ota.delta;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Constants of the kvxd1 layout shared by encoder and decoder (see FORMAT.md beside this file). */
final class Kvxd1 {
  private Kvxd1() {}

  /** "KVXD" then format version 1: the first five bytes of the decompressed payload. */
  static final byte[] MAGIC = "KVXD".getBytes(StandardCharsets.US_ASCII);

  static final int VERSION = 1;

  /** Brotli window: 2^24 - 16 bytes, the largest standard (non "large window") value. */
  static final int BROTLI_LGWIN = 24;

  static final int BROTLI_QUALITY = 11;

  /** Largest old or new file kvxd1 describes (sizes must also fit a JS typed array). */
  static final long MAX_FILE_SIZE = Integer.MAX_VALUE - 64;

  /** Varints are at most 5 bytes (35 bits), enough for every field and safe in JS numbers. */
  static final int MAX_VARINT_BYTES = 5;

  /** Sections may total at most this over the new size (controls and runs for tiny edits). */
  static final long SECTION_SLACK = 1024;

  /** Upper bound of the four sections' total for a file of {@code newSize} bytes. */
  static long maxSectionsTotal(long newSize) {
    return 2 * newSize + SECTION_SLACK;
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  static String hex(byte[] bytes) {
    return java.util.HexFormat.of().formatHex(bytes);
  }
}
