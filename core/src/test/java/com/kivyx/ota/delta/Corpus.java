package com.kivyx.ota.delta;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.BrotliInputStream;
import com.aayushatharva.brotli4j.encoder.Encoder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test helpers: the shared corpus and raw access to a patch's Brotli payload. */
final class Corpus {
  private Corpus() {}

  static Path dir() {
    String shared = System.getProperty("kivyx.shared.dir");
    if (shared == null) {
      throw new IllegalStateException(
          "system property kivyx.shared.dir is not set; run the tests through Maven");
    }
    Path dir = Path.of(shared, "corpus");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("corpus folder " + dir + " is missing");
    }
    return dir;
  }

  static byte[] read(String name) throws IOException {
    return Files.readAllBytes(dir().resolve(name));
  }

  static byte[] payload(byte[] patch) throws IOException {
    Brotli4jLoader.ensureAvailability();
    try (InputStream in = new BrotliInputStream(new ByteArrayInputStream(patch))) {
      return in.readAllBytes();
    }
  }

  static byte[] patch(byte[] payload) throws IOException {
    Brotli4jLoader.ensureAvailability();
    return Encoder.compress(payload, new Encoder.Parameters().setQuality(5).setWindow(24));
  }

  /** Offset just after the two hashes: magic, version, two size varints, two hashes. */
  static int hashesEnd(byte[] payload) {
    int pos = 5;
    for (int v = 0; v < 2; v++) {
      while ((payload[pos++] & 0x80) != 0) {
        // skip varint
      }
    }
    return pos + 64;
  }

  /** Offset of the first section byte: after the hashes come the 4 section lengths. */
  static int sectionsStart(byte[] payload) {
    int pos = hashesEnd(payload);
    for (int v = 0; v < 4; v++) {
      while ((payload[pos++] & 0x80) != 0) {
        // skip varint
      }
    }
    return pos;
  }
}
