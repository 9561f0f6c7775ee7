package com.kivyx.ota.delta;

import com.aayushatharva.brotli4j.decoder.BrotliInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * Applies kvxd1 patches. Checks the old file's SHA-256 before and the result's after; bounds every
 * length by the header's sizes and the caller's cap, so a bad patch fails with a {@link
 * DeltaFormatException} or {@link DeltaMismatchException} and never yields wrong bytes.
 */
public final class DeltaDecoder {
  private final long maxNewSize;

  /**
   * @param maxNewSize largest new file the caller accepts (e.g. the signed size of the bundle);
   *     patches declaring more are rejected before anything is allocated for them
   */
  public DeltaDecoder(long maxNewSize) {
    if (maxNewSize < 0) {
      throw new IllegalArgumentException("maxNewSize must be >= 0, got " + maxNewSize);
    }
    this.maxNewSize = Math.min(maxNewSize, Kvxd1.MAX_FILE_SIZE);
  }

  /** The header of a patch (sizes and hashes of the files it links). */
  public record Header(long oldSize, long newSize, byte[] oldSha256, byte[] newSha256) {
    public String oldSha256Hex() {
      return Kvxd1.hex(oldSha256);
    }

    public String newSha256Hex() {
      return Kvxd1.hex(newSha256);
    }
  }

  /** Reads only the header, e.g. to learn which old file a patch needs. */
  public static Header readHeader(byte[] patch) throws DeltaFormatException {
    Objects.requireNonNull(patch, "patch");
    try (PayloadReader in = new PayloadReader(patch)) {
      return in.header();
    }
  }

  /** Returns the new file that {@code patch} makes from {@code oldData}. */
  public byte[] apply(byte[] oldData, byte[] patch)
      throws DeltaFormatException, DeltaMismatchException {
    Objects.requireNonNull(oldData, "oldData");
    Objects.requireNonNull(patch, "patch");
    try (PayloadReader in = new PayloadReader(patch)) {
      Header h = in.header();
      byte[] oldSha256 = Kvxd1.sha256(oldData);
      if (h.oldSize() != oldData.length || !MessageDigest.isEqual(h.oldSha256(), oldSha256)) {
        throw new DeltaMismatchException(
            "patch was made for another old file (sha256 "
                + h.oldSha256Hex()
                + ", "
                + h.oldSize()
                + " bytes), but the old file given has sha256 "
                + Kvxd1.hex(oldSha256)
                + " ("
                + oldData.length
                + " bytes); use the full bundle instead");
      }
      if (h.newSize() > maxNewSize) {
        throw new DeltaFormatException(
            "patch declares a new file of "
                + h.newSize()
                + " bytes, over the allowed maximum of "
                + maxNewSize
                + " bytes; refusing to apply it");
      }
      int newSize = (int) h.newSize();
      long controlsLen = in.varint("controls length");
      long runsLen = in.varint("runs length");
      long literalsLen = in.varint("diff bytes length");
      long extraLen = in.varint("extra length");
      if (Math.max(Math.max(controlsLen, runsLen), Math.max(literalsLen, extraLen))
              > Integer.MAX_VALUE - 16
          || literalsLen + extraLen > newSize
          || controlsLen + runsLen + literalsLen + extraLen > Kvxd1.maxSectionsTotal(newSize)) {
        throw new DeltaFormatException(
            "patch sections (controls "
                + controlsLen
                + ", runs "
                + runsLen
                + ", diff bytes "
                + literalsLen
                + ", extra "
                + extraLen
                + " bytes) are too large for a "
                + newSize
                + "-byte new file; the patch is corrupt");
      }
      byte[] controls = in.bytes((int) controlsLen, "controls");
      Cursor runs = new Cursor(in.bytes((int) runsLen, "runs"), "runs");
      byte[] literals = in.bytes((int) literalsLen, "diff bytes");
      byte[] extra = in.bytes((int) extraLen, "extra bytes");
      in.expectEnd();

      byte[] out = rebuild(oldData, newSize, controls, runs, literals, extra);
      byte[] actual = Kvxd1.sha256(out);
      if (!MessageDigest.isEqual(actual, h.newSha256())) {
        throw new DeltaMismatchException(
            "patched file has sha256 "
                + Kvxd1.hex(actual)
                + " but the patch promises "
                + h.newSha256Hex()
                + "; the patch is corrupt, use the full bundle instead");
      }
      return out;
    }
  }

  private static byte[] rebuild(
      byte[] old, int newSize, byte[] controls, Cursor runs, byte[] literals, byte[] extra)
      throws DeltaFormatException {
    // Three columns of `count` varints each; find where each starts without allocating.
    Cursor adds = new Cursor(controls, "controls");
    long count = adds.varint();
    if (count > controls.length) {
      throw corrupt("the controls section declares " + count + " controls in " + controls.length + " bytes");
    }
    Cursor extras = adds.copy();
    extras.skipVarints(count);
    Cursor seeks = extras.copy();
    seeks.skipVarints(count);
    Cursor end = seeks.copy();
    end.skipVarints(count);
    if (end.hasMore()) {
      throw corrupt("the controls section has bytes after its three columns");
    }
    byte[] out = new byte[newSize];
    int newPos = 0;
    long oldPos = 0;
    int litPos = 0;
    int extraPos = 0;
    long zerosLeft = 0;
    long litLeft = 0;
    boolean runsDone = false;
    for (long c = 0; c < count; c++) {
      long add = adds.varint();
      long extraRun = extras.varint();
      long seek = seeks.signedVarint();
      if (add > newSize - newPos || extraRun > newSize - newPos - add) {
        throw corrupt("a control writes past the declared new size of " + newSize + " bytes");
      }
      if (add > 0 && (oldPos < 0 || oldPos + add > old.length)) {
        throw corrupt("a control reads outside the old file (offset " + oldPos + ", " + add + " bytes)");
      }
      if (add > 0) {
        System.arraycopy(old, (int) oldPos, out, newPos, (int) add);
      }
      // Add the diff block's non-zero runs over the copied bytes, as signed digits with carry.
      int at = newPos;
      long remaining = add;
      int carry = 0;
      while (remaining > 0) {
        if (zerosLeft == 0 && litLeft == 0) {
          if (runs.hasMore()) {
            zerosLeft = runs.varint();
            litLeft = runs.varint();
            if (litLeft == 0) {
              throw corrupt("a diff run has length 0");
            }
          } else {
            runsDone = true;
            zerosLeft = Long.MAX_VALUE; // the rest of the diff block is zero digits
            continue;
          }
        }
        if (zerosLeft > 0) {
          // A zero digit still takes the carry; once the carry is spent, skip the rest at once.
          while (carry != 0 && zerosLeft > 0 && remaining > 0) {
            int s = (out[at] & 0xff) + carry;
            out[at] = (byte) s;
            carry = s >> 8;
            at++;
            remaining--;
            zerosLeft--;
          }
          long k = Math.min(zerosLeft, remaining);
          at += (int) k;
          remaining -= k;
          zerosLeft -= k;
        } else {
          long k = Math.min(litLeft, remaining);
          if (k > literals.length - litPos) {
            throw corrupt("diff runs need more diff bytes than the patch holds");
          }
          for (int j = 0; j < k; j++) {
            int s = (out[at + j] & 0xff) + literals[litPos + j] + carry;
            out[at + j] = (byte) s;
            carry = s >> 8;
          }
          at += (int) k;
          litPos += (int) k;
          remaining -= k;
          litLeft -= k;
        }
      }
      newPos += (int) add;
      System.arraycopy(extra, extraPos, out, newPos, checkedExtra(extraRun, extra.length - extraPos));
      extraPos += (int) extraRun;
      newPos += (int) extraRun;
      oldPos += add + seek;
    }
    if (newPos != newSize) {
      throw corrupt("controls produce " + newPos + " bytes, the header declares " + newSize);
    }
    if ((zerosLeft != 0 && !runsDone) || litLeft != 0 || runs.hasMore()) {
      throw corrupt("diff runs reach past the diff block");
    }
    if (litPos != literals.length || extraPos != extra.length) {
      throw corrupt("the patch holds diff or extra bytes that no control uses");
    }
    return out;
  }

  private static int checkedExtra(long extraRun, int available) throws DeltaFormatException {
    if (extraRun > available) {
      throw corrupt("controls need more extra bytes than the patch holds");
    }
    return (int) extraRun;
  }

  static DeltaFormatException corrupt(String what) {
    return new DeltaFormatException("corrupt kvxd1 patch: " + what);
  }

  /** Reads varints from one decompressed section. */
  private static final class Cursor {
    private final byte[] data;
    private final String name;
    private int pos;

    Cursor(byte[] data, String name) {
      this.data = data;
      this.name = name;
    }

    Cursor copy() {
      Cursor c = new Cursor(data, name);
      c.pos = pos;
      return c;
    }

    void skipVarints(long n) throws DeltaFormatException {
      for (long i = 0; i < n; i++) {
        varint();
      }
    }

    boolean hasMore() {
      return pos < data.length;
    }

    long varint() throws DeltaFormatException {
      long value = 0;
      for (int i = 0; i < Kvxd1.MAX_VARINT_BYTES; i++) {
        if (pos >= data.length) {
          throw corrupt("the " + name + " section ends inside a varint");
        }
        int b = data[pos++] & 0xff;
        value |= (long) (b & 0x7f) << (7 * i);
        if ((b & 0x80) == 0) {
          return value;
        }
      }
      throw corrupt("a varint in the " + name + " section is longer than 5 bytes");
    }

    long signedVarint() throws DeltaFormatException {
      long v = varint();
      return (v >>> 1) ^ -(v & 1);
    }
  }

  /** The decompressed payload, read incrementally so nothing is allocated before it is checked. */
  private static final class PayloadReader implements AutoCloseable {
    private final InputStream in;

    PayloadReader(byte[] patch) throws DeltaFormatException {
      Brotli.ensureAvailable();
      try {
        this.in = new BrotliInputStream(new ByteArrayInputStream(patch));
      } catch (IOException e) {
        throw brotliFailure(e);
      }
    }

    Header header() throws DeltaFormatException {
      byte[] magic = bytes(Kvxd1.MAGIC.length + 1, "magic");
      if (!Arrays.equals(magic, 0, Kvxd1.MAGIC.length, Kvxd1.MAGIC, 0, Kvxd1.MAGIC.length)) {
        throw new DeltaFormatException(
            "not a kvxd1 patch: wrong magic (expected \"KVXD\" at the start of the payload)");
      }
      if (magic[Kvxd1.MAGIC.length] != Kvxd1.VERSION) {
        throw new DeltaFormatException(
            "unsupported kvxd format version "
                + (magic[Kvxd1.MAGIC.length] & 0xff)
                + " (this decoder reads version "
                + Kvxd1.VERSION
                + "); use the full bundle");
      }
      long oldSize = varint("old size");
      long newSize = varint("new size");
      if (oldSize > Kvxd1.MAX_FILE_SIZE || newSize > Kvxd1.MAX_FILE_SIZE) {
        throw corrupt("declared file size over 2 GB");
      }
      byte[] oldSha = bytes(32, "old SHA-256");
      byte[] newSha = bytes(32, "new SHA-256");
      return new Header(oldSize, newSize, oldSha, newSha);
    }

    long varint(String what) throws DeltaFormatException {
      long value = 0;
      for (int i = 0; i < Kvxd1.MAX_VARINT_BYTES; i++) {
        int b = read(what);
        value |= (long) (b & 0x7f) << (7 * i);
        if ((b & 0x80) == 0) {
          return value;
        }
      }
      throw corrupt("the " + what + " varint is longer than 5 bytes");
    }

    private int read(String what) throws DeltaFormatException {
      try {
        int b = in.read();
        if (b < 0) {
          throw truncated(what);
        }
        return b;
      } catch (IOException e) {
        throw brotliFailure(e);
      }
    }

    /** Reads exactly {@code n} bytes; n was bounded by the caller before this allocates. */
    byte[] bytes(int n, String what) throws DeltaFormatException {
      try {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
          throw truncated(what);
        }
        return b;
      } catch (IOException e) {
        throw brotliFailure(e);
      }
    }

    void expectEnd() throws DeltaFormatException {
      try {
        if (in.read() >= 0) {
          throw corrupt("data after the last section");
        }
      } catch (IOException e) {
        throw brotliFailure(e);
      }
    }

    private static DeltaFormatException truncated(String what) {
      return new DeltaFormatException(
          "kvxd1 patch is truncated: its payload ends inside the " + what);
    }

    private static DeltaFormatException brotliFailure(IOException e) {
      return new DeltaFormatException(
          "kvxd1 patch is not a valid Brotli stream (truncated or corrupted): " + e.getMessage(),
          e);
    }

    @Override
    public void close() {
      try {
        in.close();
      } catch (IOException e) {
        // Nothing to release beyond native buffers; a close failure changes no result.
      }
    }
  }
}
