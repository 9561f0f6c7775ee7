package com.kivyx.ota.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random and mutated patches must only ever end in a typed {@link DeltaException} or in exactly
 * the right bytes. The timeout only guards against hangs; it is not a speed check.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DeltaFuzzTest {
  private static final long SEED = 0x6b7678L;

  /** Applies {@code patch} and checks the outcome is a typed failure or the expected bytes. */
  private static int check(DeltaDecoder decoder, byte[] old, byte[] patch, byte[] expected) {
    try {
      byte[] out = decoder.apply(old, patch);
      if (!Arrays.equals(out, expected)) {
        fail("decoder returned wrong bytes for a mutated patch");
      }
      return 0;
    } catch (DeltaFormatException | DeltaMismatchException e) {
      assertThat(e.getMessage()).isNotBlank();
      return 1;
    } catch (RuntimeException | Error e) {
      throw new AssertionError("decoder threw an untyped " + e, e);
    }
  }

  @Test
  void randomBytesAreRejected() {
    Random r = new Random(SEED);
    byte[] old = DeltaDecoderRejectionTest.text(3, 2_000);
    DeltaDecoder decoder = new DeltaDecoder(1 << 20);
    for (int i = 0; i < 2_000; i++) {
      byte[] junk = new byte[r.nextInt(300)];
      r.nextBytes(junk);
      check(decoder, old, junk, null);
    }
  }

  @Test
  void mutatedCompressedPatchesOnASmallPair() throws Exception {
    byte[] old = DeltaDecoderRejectionTest.text(4, 4_000);
    byte[] cur = DeltaDecoderRejectionTest.edit(old);
    byte[] patch = new DeltaEncoder().encode(old, cur);
    DeltaDecoder decoder = new DeltaDecoder(cur.length);
    Random r = new Random(SEED + 1);
    int rejected = 0;
    int runs = 3_000;
    for (int i = 0; i < runs; i++) {
      rejected += check(decoder, old, mutate(patch, r), cur);
    }
    assertThat(rejected).isGreaterThan(runs / 2);
  }

  @Test
  void mutatedPayloadsOnASmallPair() throws Exception {
    // Mutating the decompressed payload and recompressing reaches the structure checks, which
    // mutations of the compressed bytes mostly never get past.
    byte[] old = DeltaDecoderRejectionTest.text(5, 4_000);
    byte[] cur = DeltaDecoderRejectionTest.edit(old);
    byte[] payload = Corpus.payload(new DeltaEncoder().encode(old, cur));
    int start = Corpus.hashesEnd(payload);
    DeltaDecoder decoder = new DeltaDecoder(cur.length + 100);
    Random r = new Random(SEED + 2);
    for (int i = 0; i < 2_000; i++) {
      byte[] m = Arrays.copyOf(payload, payload.length);
      int edits = 1 + r.nextInt(3);
      for (int e = 0; e < edits; e++) {
        int at = start + r.nextInt(Math.min(80, m.length - start));
        if (r.nextInt(4) == 0) {
          at = start + r.nextInt(m.length - start);
        }
        m[at] = (byte) (r.nextBoolean() ? r.nextInt(256) : m[at] ^ (1 << r.nextInt(8)));
      }
      if (r.nextInt(10) == 0) {
        m = Arrays.copyOf(m, start + r.nextInt(m.length - start + 20));
      }
      check(decoder, old, Corpus.patch(m), cur);
    }
  }

  @Test
  void mutatedPatchesOnACorpusPair() throws Exception {
    byte[] old = Corpus.read("v1.bb.hbc");
    byte[] cur = Corpus.read("v2.bb.hbc");
    byte[] patch = new DeltaEncoder().encode(old, cur);
    DeltaDecoder decoder = new DeltaDecoder(cur.length);
    Random r = new Random(SEED + 3);
    for (int i = 0; i < 150; i++) {
      check(decoder, old, mutate(patch, r), cur);
    }
    byte[] payload = Corpus.payload(patch);
    int start = Corpus.sectionsStart(payload);
    for (int i = 0; i < 40; i++) {
      byte[] m = Arrays.copyOf(payload, payload.length);
      int at = start + r.nextInt(m.length - start);
      m[at] ^= (byte) (1 + r.nextInt(255));
      check(decoder, old, Corpus.patch(m), cur);
    }
  }

  private static byte[] mutate(byte[] patch, Random r) {
    byte[] m = Arrays.copyOf(patch, patch.length);
    switch (r.nextInt(5)) {
      case 0 -> m[r.nextInt(m.length)] ^= (byte) (1 << r.nextInt(8));
      case 1 -> {
        for (int k = 0; k < 1 + r.nextInt(8); k++) {
          m[r.nextInt(m.length)] = (byte) r.nextInt(256);
        }
      }
      case 2 -> m = Arrays.copyOf(m, r.nextInt(m.length));
      case 3 -> {
        byte[] longer = Arrays.copyOf(m, m.length + 1 + r.nextInt(16));
        for (int k = m.length; k < longer.length; k++) {
          longer[k] = (byte) r.nextInt(256);
        }
        m = longer;
      }
      default -> {
        int at = r.nextInt(m.length);
        int len = Math.min(m.length - at, 1 + r.nextInt(32));
        byte[] shorter = new byte[m.length - len];
        System.arraycopy(m, 0, shorter, 0, at);
        System.arraycopy(m, at + len, shorter, at, m.length - at - len);
        m = shorter;
      }
    }
    return m;
  }
}
