package com.kivyx.ota.delta;

import java.util.Arrays;

/** Growable byte buffer with the kvxd1 varint writers (unsynchronized, unlike ByteArrayOutputStream). */
final class ByteSink {
  private byte[] buf;
  private int len;

  ByteSink(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  int length() {
    return len;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }

  private void ensure(int extra) {
    if (len + extra > buf.length) {
      long grown = Math.max((long) buf.length * 2, (long) len + extra);
      if (grown > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("delta stream larger than 2 GB");
      }
      buf = Arrays.copyOf(buf, (int) grown);
    }
  }

  void put(int b) {
    ensure(1);
    buf[len++] = (byte) b;
  }

  void put(byte[] src, int off, int n) {
    ensure(n);
    System.arraycopy(src, off, buf, len, n);
    len += n;
  }

  void put(ByteSink other) {
    put(other.buf, 0, other.len);
  }

  /** Unsigned LEB128: 7 bits a byte, low bits first, high bit set on all but the last byte. */
  void putVarint(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("varint must be non-negative, got " + value);
    }
    ensure(10);
    long v = value;
    while (v >= 0x80) {
      buf[len++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    buf[len++] = (byte) v;
  }

  /** Signed value as zigzag (0, -1, 1, -2, ... become 0, 1, 2, 3, ...) then LEB128. */
  void putSignedVarint(long value) {
    putVarint((value << 1) ^ (value >> 63));
  }
}
