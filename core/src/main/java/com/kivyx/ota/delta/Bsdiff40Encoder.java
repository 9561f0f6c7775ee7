package com.kivyx.ota.delta;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

/**
 * Classic BSDIFF40 patches (bsdiff 4.x: three bzip2 blocks), the only patch format expo-updates
 * applies, from the same matcher as kvxd1. Layout: "BSDIFF40", then the compressed lengths of
 * the control and diff blocks and the new file's size (8-byte sign-magnitude little-endian
 * integers), then bzip2 of the control triples (add, extra, seek), of the diff bytes and of the
 * extra bytes.
 */
public final class Bsdiff40Encoder {
  private static final byte[] MAGIC = "BSDIFF40".getBytes(StandardCharsets.US_ASCII);
  /** bsdiff's own threshold for starting a new control. */
  private static final int MIN_GAIN = 8;

  private final DeltaBudget budget;

  public Bsdiff40Encoder(DeltaBudget budget) {
    this.budget = Objects.requireNonNull(budget, "budget");
  }

  /** @throws DeltaBudgetExceededException when the time or memory budget runs out (no patch then) */
  public byte[] encode(byte[] oldData, byte[] newData) throws DeltaBudgetExceededException {
    long estimate = SuffixArray.memoryEstimate(oldData.length) + 4L * newData.length + (16L << 20);
    if (estimate > budget.maxMemoryBytes()) {
      throw new DeltaBudgetExceededException(
          "a bsdiff patch of a " + oldData.length + "-byte old and " + newData.length + "-byte new file needs about "
              + (estimate >> 20) + " MB, over the budget of " + (budget.maxMemoryBytes() >> 20) + " MB");
    }
    DeltaBudget.Deadline deadline = budget.startNow();
    int[] sa = SuffixArray.build(oldData);
    deadline.check("suffix sorting");
    BsdiffMatcher.Result match = new BsdiffMatcher(oldData, newData, sa, MIN_GAIN).run(deadline);
    sa = null;
    ByteArrayOutputStream controls = new ByteArrayOutputStream(match.count() * 24);
    for (int i = 0; i < match.count(); i++) {
      writeOfft(controls, match.add()[i]);
      writeOfft(controls, match.extra()[i]);
      writeOfft(controls, match.seek()[i]);
    }
    byte[] ctrl = bzip2(controls.toByteArray());
    byte[] diff = bzip2(plainDiff(oldData, newData, match));
    deadline.check("compression");
    byte[] extra = bzip2(match.extraBytes());
    ByteArrayOutputStream out = new ByteArrayOutputStream(32 + ctrl.length + diff.length + extra.length);
    out.writeBytes(MAGIC);
    writeOfft(out, ctrl.length);
    writeOfft(out, diff.length);
    writeOfft(out, newData.length);
    out.writeBytes(ctrl);
    out.writeBytes(diff);
    out.writeBytes(extra);
    return out.toByteArray();
  }

  /**
   * bspatch adds diff and old bytes without carry, so the diff block is rebuilt from the
   * controls as plain byte differences (kvxd1 stores signed digits with carry instead).
   */
  private static byte[] plainDiff(byte[] oldData, byte[] newData, BsdiffMatcher.Result match) {
    long total = 0;
    for (int i = 0; i < match.count(); i++) {
      total += match.add()[i];
    }
    byte[] diff = new byte[Math.toIntExact(total)];
    int d = 0;
    int newPos = 0;
    long oldPos = 0;
    for (int i = 0; i < match.count(); i++) {
      for (int k = 0; k < match.add()[i]; k++) {
        long o = oldPos + k;
        int old = o >= 0 && o < oldData.length ? oldData[(int) o] : 0;
        diff[d++] = (byte) (newData[newPos + k] - old);
      }
      newPos += match.add()[i] + match.extra()[i];
      oldPos += match.add()[i] + match.seek()[i];
    }
    return diff;
  }

  /** bsdiff's offtout: magnitude little-endian, sign in the top bit of the last byte. */
  static void writeOfft(OutputStream out, long value) {
    long magnitude = Math.abs(value);
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (magnitude >>> (8 * i));
    }
    if (value < 0) {
      b[7] |= (byte) 0x80;
    }
    try {
      out.write(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] bzip2(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 4));
    try (BZip2CompressorOutputStream bz = new BZip2CompressorOutputStream(out, 9)) {
      bz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
