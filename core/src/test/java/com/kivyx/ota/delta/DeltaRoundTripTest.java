package com.kivyx.ota.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class DeltaRoundTripTest {
  private final DeltaEncoder encoder = new DeltaEncoder();

  static Stream<Arguments> corpusPairs() {
    List<java.nio.file.Path[]> pairs = DeltaBench.pairs(Corpus.dir());
    assertThat(pairs).as("corpus pairs").hasSize(6);
    return pairs.stream()
        .map(p -> Arguments.of(p[0].getFileName().toString(), p[1].getFileName().toString()));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("corpusPairs")
  void roundTripsEveryCorpusPair(String oldName, String newName) throws Exception {
    byte[] oldData = Corpus.read(oldName);
    byte[] newData = Corpus.read(newName);
    byte[] patch = encoder.encode(oldData, newData);
    assertThat(new DeltaDecoder(newData.length).apply(oldData, patch)).isEqualTo(newData);
    // A useful delta: far below the file itself (it is only published under half of it).
    assertThat(patch.length).isLessThan(newData.length / 10);
  }

  private void roundTrip(byte[] oldData, byte[] newData) throws Exception {
    byte[] patch = encoder.encode(oldData, newData);
    byte[] back = new DeltaDecoder(newData.length).apply(oldData, patch);
    assertThat(back).isEqualTo(newData);
    DeltaDecoder.Header h = DeltaDecoder.readHeader(patch);
    assertThat(h.oldSize()).isEqualTo(oldData.length);
    assertThat(h.newSize()).isEqualTo(newData.length);
    assertThat(h.oldSha256()).isEqualTo(Kvxd1.sha256(oldData));
    assertThat(h.newSha256()).isEqualTo(Kvxd1.sha256(newData));
  }

  private static byte[] random(long seed, int n) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void emptyFiles() throws Exception {
    roundTrip(new byte[0], new byte[0]);
    roundTrip(new byte[0], random(1, 1000));
    roundTrip(random(2, 1000), new byte[0]);
  }

  @Test
  void tinyFiles() throws Exception {
    roundTrip(new byte[] {1}, new byte[] {2});
    roundTrip(new byte[] {1}, new byte[] {1});
    roundTrip(new byte[] {1, 2, 3}, new byte[] {3, 2, 1, 0});
  }

  @Test
  void identicalFilesGiveATinyPatch() throws Exception {
    byte[] data = random(3, 200_000);
    roundTrip(data, data);
    assertThat(encoder.encode(data, data).length).isLessThan(150);
  }

  @Test
  void fullyDifferentFiles() throws Exception {
    byte[] oldData = random(4, 100_000);
    byte[] newData = random(5, 120_000);
    roundTrip(oldData, newData);
    // Nothing to reuse: the patch is about the new file plus the header, not more.
    assertThat(encoder.encode(oldData, newData).length).isLessThan(120_000 + 1024);
  }

  @Test
  void smallEditsInRandomData() throws Exception {
    byte[] oldData = random(6, 300_000);
    byte[] newData = Arrays.copyOf(oldData, oldData.length + 500);
    Random r = new Random(7);
    for (int i = 0; i < 200; i++) {
      newData[r.nextInt(newData.length)] ^= (byte) (1 + r.nextInt(255));
    }
    System.arraycopy(random(8, 500), 0, newData, oldData.length, 500);
    roundTrip(oldData, newData);
    assertThat(encoder.encode(oldData, newData).length).isLessThan(5_000);
  }

  @Test
  void shiftedLittleEndianOffsetsStayCheap() throws Exception {
    // A table of 32-bit offsets all moved by 40: the carry digits keep this to one byte per entry.
    byte[] oldData = new byte[120_000];
    byte[] newData = new byte[120_000];
    Random r = new Random(9);
    for (int i = 0; i < oldData.length; i += 12) {
      int v = r.nextInt(1 << 20);
      putLe(oldData, i, v);
      putLe(newData, i, v + 40);
      for (int k = 4; k < 12 && i + k < oldData.length; k++) {
        oldData[i + k] = newData[i + k] = (byte) r.nextInt(4);
      }
    }
    roundTrip(oldData, newData);
  }

  private static void putLe(byte[] b, int at, int v) {
    for (int k = 0; k < 4 && at + k < b.length; k++) {
      b[at + k] = (byte) (v >>> (8 * k));
    }
  }

  @Test
  void oneMegabyteOfOneByte() throws Exception {
    byte[] oldData = new byte[1 << 20];
    Arrays.fill(oldData, (byte) 'a');
    byte[] newData = Arrays.copyOf(oldData, (1 << 20) + 4096);
    Arrays.fill(newData, oldData.length, newData.length, (byte) 'a');
    newData[500_000] = 'b';
    newData[700_000] = 'c';
    roundTrip(oldData, newData);
    roundTrip(newData, oldData);
    assertThat(encoder.encode(oldData, newData).length).isLessThan(300);
  }

  @Test
  void repeatingPatterns() throws Exception {
    byte[] oldData = new byte[1 << 20];
    byte[] newData = new byte[(1 << 20) + 777];
    for (int i = 0; i < oldData.length; i++) {
      oldData[i] = (byte) "abcdefg".charAt(i % 7);
    }
    for (int i = 0; i < newData.length; i++) {
      newData[i] = (byte) "abcdefgh".charAt(i % 8);
    }
    roundTrip(oldData, newData);
    // Same period, one byte changed every 4 KB: long matches that mostly repeat the alignment.
    byte[] edited = Arrays.copyOf(oldData, oldData.length);
    for (int i = 0; i < edited.length; i += 4096) {
      edited[i] = 'z';
    }
    roundTrip(oldData, edited);
    // Repetitive old, unrelated new and the reverse.
    byte[] zeros = new byte[1 << 20];
    roundTrip(zeros, random(10, 1 << 18));
    roundTrip(random(11, 1 << 18), zeros);
  }
}
