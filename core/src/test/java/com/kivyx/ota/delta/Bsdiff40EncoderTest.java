package com.kivyx.ota.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.junit.jupiter.api.Test;

/**
 * BSDIFF40 patches applied by the applier below, written from the format's description (bsdiff's
 * own bspatch applies them in {@link Bsdiff40BspatchIT}).
 */
class Bsdiff40EncoderTest {
  private final Bsdiff40Encoder encoder = new Bsdiff40Encoder(new DeltaBudget(Duration.ofSeconds(60), 1L << 30));

  @Test
  void realBundlesRoundTrip() throws Exception {
    for (String[] pair : new String[][] {{"v1.hbc", "v2.hbc"}, {"v2.hbc", "v3.hbc"}, {"v1.min.js", "v3.min.js"}}) {
      byte[] old = Corpus.read(pair[0]);
      byte[] cur = Corpus.read(pair[1]);
      byte[] patch = encoder.encode(old, cur);
      assertThat(new String(patch, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("BSDIFF40");
      assertThat(apply(old, patch)).as(pair[0] + " -> " + pair[1]).isEqualTo(cur);
      assertThat(patch.length).as("a small edit gives a small patch").isLessThan(cur.length / 10);
    }
  }

  @Test
  void unrelatedAndEmptyInputsRoundTrip() throws Exception {
    Random random = new Random(7);
    byte[] a = new byte[50_000];
    byte[] b = new byte[30_000];
    random.nextBytes(a);
    random.nextBytes(b);
    for (byte[][] pair : new byte[][][] {{a, b}, {b, a}, {new byte[0], b}, {a, new byte[0]}, {a, a}}) {
      byte[] patch = encoder.encode(pair[0], pair[1]);
      assertThat(apply(pair[0], patch)).isEqualTo(pair[1]);
    }
  }

  @Test
  void offtoutIsSignMagnitudeLittleEndian() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    Bsdiff40Encoder.writeOfft(out, -258);
    assertThat(out.toByteArray()).containsExactly(2, 1, 0, 0, 0, 0, 0, (byte) 0x80);
  }

  /** bspatch, from the format: header, then bzip2 controls, diff and extra blocks. */
  static byte[] apply(byte[] old, byte[] patch) throws IOException {
    ByteBuffer header = ByteBuffer.wrap(patch, 0, 32).order(ByteOrder.LITTLE_ENDIAN);
    header.position(8);
    long ctrlLen = offt(header);
    long diffLen = offt(header);
    int newSize = (int) offt(header);
    InputStream ctrl = bz(patch, 32, ctrlLen);
    InputStream diff = bz(patch, 32 + ctrlLen, diffLen);
    InputStream extra = bz(patch, 32 + ctrlLen + diffLen, patch.length - 32 - ctrlLen - diffLen);
    byte[] out = new byte[newSize];
    int newPos = 0;
    long oldPos = 0;
    while (newPos < newSize) {
      ByteBuffer c = ByteBuffer.wrap(ctrl.readNBytes(24)).order(ByteOrder.LITTLE_ENDIAN);
      long add = offt(c);
      long copy = offt(c);
      long seek = offt(c);
      byte[] d = diff.readNBytes((int) add);
      for (int i = 0; i < add; i++) {
        long o = oldPos + i;
        out[newPos + i] = (byte) (d[i] + (o >= 0 && o < old.length ? old[(int) o] : 0));
      }
      newPos += (int) add;
      oldPos += add;
      byte[] e = extra.readNBytes((int) copy);
      System.arraycopy(e, 0, out, newPos, (int) copy);
      newPos += (int) copy;
      oldPos += seek;
    }
    return out;
  }

  private static long offt(ByteBuffer b) {
    long raw = b.getLong();
    long magnitude = raw & Long.MAX_VALUE;
    return raw < 0 ? -magnitude : magnitude;
  }

  private static InputStream bz(byte[] patch, long from, long length) throws IOException {
    return new BZip2CompressorInputStream(new ByteArrayInputStream(Arrays.copyOfRange(patch, (int) from, (int) (from + length))));
  }
}
