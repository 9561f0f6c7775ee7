package com.kivyx.ota.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeltaDecoderRejectionTest {
  private final byte[] oldData = text(1, 20_000);
  private final byte[] newData = edit(oldData);
  private final byte[] patch;

  DeltaDecoderRejectionTest() throws DeltaException {
    patch = new DeltaEncoder().encode(oldData, newData);
  }

  static byte[] text(long seed, int n) {
    Random r = new Random(seed);
    String[] words = {"const ", "function ", "return ", "this.", "props", "state", "(", ")", "{", "}", ";\n", "0x1f", "useEffect"};
    StringBuilder sb = new StringBuilder();
    while (sb.length() < n) {
      sb.append(words[r.nextInt(words.length)]);
    }
    return sb.substring(0, n).getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] edit(byte[] old) {
    byte[] b = Arrays.copyOf(old, old.length + 300);
    Random r = new Random(99);
    for (int i = 0; i < 40; i++) {
      b[r.nextInt(old.length)] = (byte) ('A' + r.nextInt(26));
    }
    System.arraycopy(old, 1000, b, old.length, 300);
    return b;
  }

  private DeltaDecoder decoder() {
    return new DeltaDecoder(newData.length);
  }

  @Test
  void appliesTheTestVectorFromFormatMd() throws Exception {
    String hex =
        "8f2c804b56584401282a3476ec49905f41bacc63fd0db9eccf73617dbdbdf4916bab3c18385bc343"
            + "e6cc19be978c5e4ce34324c3d64b16b69ebcdb66809f0d3b265b6a47db478e38d926040201080122"
            + "081b1301e05865666768696a2103";
    byte[] vector = java.util.HexFormat.of().parseHex(hex);
    byte[] old = "0123456789abcdefghij0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);
    byte[] expected =
        "0123456789abcdefghiJ0123456789abcdXefghij!".getBytes(StandardCharsets.US_ASCII);
    assertThat(new DeltaDecoder(42).apply(old, vector)).isEqualTo(expected);
  }

  @Test
  void rejectsAnotherOldFile() {
    byte[] other = Arrays.copyOf(oldData, oldData.length);
    other[5] ^= 1;
    assertThatThrownBy(() -> decoder().apply(other, patch))
        .isInstanceOf(DeltaMismatchException.class)
        .hasMessageContaining("made for another old file")
        .hasMessageContaining(Kvxd1.hex(Kvxd1.sha256(oldData)));
  }

  @Test
  void rejectsTruncatedPatches() {
    for (int len : new int[] {0, 1, patch.length / 2, patch.length - 1}) {
      byte[] cut = Arrays.copyOf(patch, len);
      assertThatThrownBy(() -> decoder().apply(oldData, cut))
          .as("patch cut to %d bytes", len)
          .isInstanceOf(DeltaFormatException.class)
          .hasMessageContaining("truncated");
    }
  }

  @Test
  void rejectsTruncatedPayload() throws Exception {
    byte[] payload = Corpus.payload(patch);
    byte[] cut = Corpus.patch(Arrays.copyOf(payload, payload.length - 10));
    assertThatThrownBy(() -> decoder().apply(oldData, cut))
        .isInstanceOf(DeltaFormatException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void rejectsAFlippedByteInTheExtraBytes() throws Exception {
    byte[] payload = Corpus.payload(patch);
    payload[payload.length - 1] ^= 0x40; // last byte is in the extra section
    byte[] bad = Corpus.patch(payload);
    assertThatThrownBy(() -> decoder().apply(oldData, bad))
        .isInstanceOf(DeltaMismatchException.class)
        .hasMessageContaining("but the patch promises");
  }

  @Test
  void rejectsBytesAfterTheBrotliStream() {
    byte[] longer = Arrays.copyOf(patch, patch.length + 3);
    assertThatThrownBy(() -> decoder().apply(oldData, longer))
        .isInstanceOf(DeltaFormatException.class)
        .hasMessageContaining("not a valid Brotli stream");
  }

  @Test
  void rejectsAFlippedByteInTheCompressedStream() {
    byte[] bad = Arrays.copyOf(patch, patch.length);
    bad[bad.length / 2] ^= 0x10;
    assertThatThrownBy(() -> decoder().apply(oldData, bad))
        .isInstanceOf(DeltaException.class)
        .hasMessageMatching("(?s).*(corrupt|Brotli|sha256|truncated).*");
  }

  @Test
  void rejectsWrongMagic() throws Exception {
    byte[] payload = Corpus.payload(patch);
    payload[0] = 'X';
    byte[] bad = Corpus.patch(payload);
    assertThatThrownBy(() -> decoder().apply(oldData, bad))
        .isInstanceOf(DeltaFormatException.class)
        .hasMessageContaining("wrong magic");
    assertThatThrownBy(() -> decoder().apply(oldData, new byte[] {'K', 'V', 'X', 'D', 1}))
        .isInstanceOf(DeltaFormatException.class);
  }

  @Test
  void rejectsAnotherFormatVersion() throws Exception {
    byte[] payload = Corpus.payload(patch);
    payload[4] = 2;
    byte[] bad = Corpus.patch(payload);
    assertThatThrownBy(() -> decoder().apply(oldData, bad))
        .isInstanceOf(DeltaFormatException.class)
        .hasMessageContaining("unsupported kvxd format version 2");
  }

  @Test
  void rejectsANewFileOverTheCallersCap() {
    assertThatThrownBy(() -> new DeltaDecoder(newData.length - 1).apply(oldData, patch))
        .isInstanceOf(DeltaFormatException.class)
        .hasMessageContaining("over the allowed maximum of " + (newData.length - 1));
  }

  @Test
  void rejectsSectionsLargerThanTheNewFile() throws Exception {
    byte[] payload = Corpus.payload(patch);
    // Rewrite the 4 section lengths: a huge extra section must be refused before allocation.
    ByteSink head = new ByteSink(256);
    head.put(payload, 0, Corpus.hashesEnd(payload));
    head.putVarint(0);
    head.putVarint(0);
    head.putVarint(0);
    head.putVarint(1L << 33);
    byte[] bad = Corpus.patch(head.toByteArray());
    assertThatThrownBy(() -> decoder().apply(oldData, bad))
        .isInstanceOf(DeltaFormatException.class)
        .hasMessageContaining("too large");
  }

  @Test
  void budgetTimeExceeded() {
    DeltaEncoder slow = new DeltaEncoder(new DeltaBudget(Duration.ofNanos(1), 512L << 20));
    assertThatThrownBy(() -> slow.encode(oldData, newData))
        .isInstanceOf(DeltaBudgetExceededException.class)
        .hasMessageContaining("time budget");
  }

  @Test
  void budgetMemoryExceeded() {
    DeltaEncoder small = new DeltaEncoder(new DeltaBudget(Duration.ofSeconds(10), 1L << 20));
    assertThatThrownBy(() -> small.encode(oldData, newData))
        .isInstanceOf(DeltaBudgetExceededException.class)
        .hasMessageContaining("memory budget");
  }

  @Test
  void defaultBudgetIsTenSecondsAnd512Megabytes() {
    assertThat(DeltaBudget.DEFAULT.maxTime()).isEqualTo(Duration.ofSeconds(10));
    assertThat(DeltaBudget.DEFAULT.maxMemoryBytes()).isEqualTo(512L << 20);
    // A 2 MB bundle pair fits the default memory budget.
    assertThat(DeltaEncoder.memoryEstimate(2 << 20, 2 << 20)).isLessThan(512L << 20);
  }
}
