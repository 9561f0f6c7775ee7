package com.kivyx.ota.signing;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A strict CBOR decoder for signed documents: definite lengths only, shortest-form integers
 * and lengths, unique map keys, no floats, bounded nesting, nothing after the item. Strictness
 * means one set of bytes has one meaning, and a parser difference between Java and TypeScript
 * cannot be used to show the two sides different documents.
 */
public final class CborReader {
  private static final int MAX_DEPTH = 16;

  private final byte[] in;
  private int pos;

  private CborReader(byte[] in) {
    this.in = in;
  }

  /** Decodes exactly one item that spans all of {@code bytes}. */
  public static CborItem decode(byte[] bytes) throws CoseRejectedException {
    CborReader reader = new CborReader(bytes);
    CborItem item = reader.readItem(0);
    if (reader.pos != bytes.length) {
      throw new CoseRejectedException(
          RejectReason.TRAILING_BYTES,
          (bytes.length - reader.pos) + " byte(s) after the end of the CBOR item");
    }
    return item;
  }

  private CborItem readItem(int depth) throws CoseRejectedException {
    if (depth > MAX_DEPTH) {
      throw malformed("nesting deeper than " + MAX_DEPTH);
    }
    int initial = readByte();
    int major = initial >>> 5;
    int info = initial & 0x1f;
    if (info == 31) {
      throw new CoseRejectedException(
          RejectReason.INDEFINITE_LENGTH, "indefinite length (major type " + major + ")");
    }
    if (major == 7) {
      return readSimple(info);
    }
    long arg = readArgument(info);
    switch (major) {
      case 0:
        if (arg < 0) {
          throw malformed("unsigned integer beyond the range of a 64-bit signed integer");
        }
        return new CborItem.Int(arg);
      case 1:
        if (arg < 0) {
          throw malformed("negative integer beyond the range of a 64-bit signed integer");
        }
        return new CborItem.Int(-1 - arg);
      case 2:
        return new CborItem.Bytes(readBytes(arg));
      case 3:
        return new CborItem.Text(utf8(readBytes(arg)));
      case 4:
        return readArray(arg, depth);
      case 5:
        return readMap(arg, depth);
      case 6:
        return new CborItem.Tagged(arg, readItem(depth + 1));
      default:
        throw new AssertionError("major type " + major);
    }
  }

  private CborItem readSimple(int info) throws CoseRejectedException {
    if (info >= 20 && info <= 23) {
      return new CborItem.Simple(info);
    }
    throw malformed("simple value or float (additional info " + info + ") is not allowed");
  }

  /** Reads the argument of a head and refuses a longer encoding than the value needs. */
  private long readArgument(int info) throws CoseRejectedException {
    if (info < 24) {
      return info;
    }
    int size;
    long min;
    switch (info) {
      case 24:
        size = 1;
        min = 24;
        break;
      case 25:
        size = 2;
        min = 0x100;
        break;
      case 26:
        size = 4;
        min = 0x10000;
        break;
      case 27:
        size = 8;
        min = 0x100000000L;
        break;
      default:
        throw malformed("reserved additional information " + info);
    }
    long value = 0;
    for (int i = 0; i < size; i++) {
      value = (value << 8) | readByte();
    }
    if (Long.compareUnsigned(value, min) < 0) {
      throw new CoseRejectedException(
          RejectReason.NON_CANONICAL_CBOR, "value " + value + " not in its shortest encoding");
    }
    return value;
  }

  private CborItem readArray(long count, int depth) throws CoseRejectedException {
    // Every item takes at least one byte, so a count above what is left is a lie.
    requireAvailable(count);
    List<CborItem> items = new ArrayList<>((int) count);
    for (long i = 0; i < count; i++) {
      items.add(readItem(depth + 1));
    }
    return new CborItem.Array(List.copyOf(items));
  }

  private CborItem readMap(long count, int depth) throws CoseRejectedException {
    requireAvailable(count);
    List<CborItem.Entry> entries = new ArrayList<>((int) count);
    Set<String> seenKeys = new HashSet<>();
    for (long i = 0; i < count; i++) {
      int keyStart = pos;
      CborItem key = readItem(depth + 1);
      // Canonical encodings are unique, so equal keys have equal bytes.
      String keyBytes = Arrays.toString(Arrays.copyOfRange(in, keyStart, pos));
      if (!seenKeys.add(keyBytes)) {
        throw new CoseRejectedException(RejectReason.DUPLICATE_MAP_KEY, "duplicate map key " + key);
      }
      entries.add(new CborItem.Entry(key, readItem(depth + 1)));
    }
    return new CborItem.Map(List.copyOf(entries));
  }

  private byte[] readBytes(long length) throws CoseRejectedException {
    requireAvailable(length);
    byte[] out = Arrays.copyOfRange(in, pos, pos + (int) length);
    pos += (int) length;
    return out;
  }

  private void requireAvailable(long length) throws CoseRejectedException {
    if (length < 0 || length > in.length - pos) {
      throw malformed("length " + Long.toUnsignedString(length) + " runs past the end of the input");
    }
  }

  private int readByte() throws CoseRejectedException {
    if (pos >= in.length) {
      throw malformed("unexpected end of input at byte " + pos);
    }
    return in[pos++] & 0xff;
  }

  private static String utf8(byte[] bytes) throws CoseRejectedException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CoseRejectedException(RejectReason.MALFORMED_CBOR, "text string is not valid UTF-8");
    }
  }

  private CoseRejectedException malformed(String message) {
    return new CoseRejectedException(RejectReason.MALFORMED_CBOR, message);
  }
}
