package com.kivyx.ota.delta;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Brotli at the settings kvxd1 uses (quality 11, window 2^24), for patches and full bundles alike. */
public final class Brotli {
  private Brotli() {}

  public static byte[] compress(byte[] data) {
    return compress(data, Kvxd1.BROTLI_QUALITY);
  }

  /** The same stream settings at another quality (trial compressions that compare inputs). */
  static byte[] compress(byte[] data, int quality) {
    ensureAvailable();
    Encoder.Parameters params =
        new Encoder.Parameters()
            .setQuality(quality)
            .setWindow(Kvxd1.BROTLI_LGWIN)
            .setMode(Encoder.Mode.GENERIC);
    try {
      return Encoder.compress(data, params);
    } catch (IOException e) {
      throw new UncheckedIOException("Brotli compression failed", e);
    }
  }

  static void ensureAvailable() {
    if (!Brotli4jLoader.isAvailable()) {
      throw new IllegalStateException(
          "the native Brotli library (brotli4j) is not available on this platform ("
              + System.getProperty("os.name")
              + "/"
              + System.getProperty("os.arch")
              + "): "
              + Brotli4jLoader.getUnavailabilityCause());
    }
  }
}
