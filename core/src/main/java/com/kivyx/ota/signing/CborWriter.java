package com.kivyx.ota.signing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes the few CBOR items the signer needs, always in the shortest (canonical) form. */
public final class CborWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  public CborWriter tag(long tag) {
    return head(6, tag);
  }

  public CborWriter arrayHeader(int count) {
    return head(4, count);
  }

  public CborWriter mapHeader(int count) {
    return head(5, count);
  }

  public CborWriter integer(long value) {
    return value >= 0 ? head(0, value) : head(1, -1 - value);
  }

  public CborWriter bytes(byte[] value) {
    head(2, value.length);
    out.writeBytes(value);
    return this;
  }

  public CborWriter text(String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    head(3, utf8.length);
    out.writeBytes(utf8);
    return this;
  }

  /** Appends bytes that are already CBOR. */
  public CborWriter raw(byte[] encoded) {
    out.writeBytes(encoded);
    return this;
  }

  public byte[] toByteArray() {
    return out.toByteArray();
  }

  private CborWriter head(int major, long value) {
    int m = major << 5;
    if (value < 24) {
      out.write(m | (int) value);
    } else if (value < 0x100) {
      out.write(m | 24);
      out.write((int) value);
    } else if (value < 0x10000) {
      out.write(m | 25);
      writeBigEndian(value, 2);
    } else if (value < 0x100000000L) {
      out.write(m | 26);
      writeBigEndian(value, 4);
    } else {
      out.write(m | 27);
      writeBigEndian(value, 8);
    }
    return this;
  }

  private void writeBigEndian(long value, int size) {
    for (int i = size - 1; i >= 0; i--) {
      out.write((int) (value >>> (8 * i)) & 0xff);
    }
  }
}
