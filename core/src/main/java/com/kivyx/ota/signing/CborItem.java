package com.kivyx.ota.signing;

import java.util.List;

/** The CBOR data items the COSE profile uses; anything else is refused by {@link CborReader}. */
public sealed interface CborItem
    permits CborItem.Int,
        CborItem.Bytes,
        CborItem.Text,
        CborItem.Array,
        CborItem.Map,
        CborItem.Tagged,
        CborItem.Simple {

  /** Major types 0 and 1, limited to the range of a Java long. */
  record Int(long value) implements CborItem {}

  /** Major type 2. The array is never modified after decoding. */
  record Bytes(byte[] value) implements CborItem {}

  /** Major type 3, valid UTF-8. */
  record Text(String value) implements CborItem {}

  /** Major type 4. */
  record Array(List<CborItem> items) implements CborItem {}

  /**
   * Major type 5, in wire order. Keys are unique: the reader refuses duplicates by comparing
   * their canonical encodings.
   */
  record Map(List<Entry> entries) implements CborItem {
    public CborItem get(long intKey) {
      for (Entry e : entries) {
        if (e.key() instanceof Int k && k.value() == intKey) {
          return e.value();
        }
      }
      return null;
    }
  }

  record Entry(CborItem key, CborItem value) {}

  /** Major type 6. */
  record Tagged(long tag, CborItem content) implements CborItem {}

  /** Major type 7 without floats: false (20), true (21), null (22), undefined (23). */
  record Simple(int value) implements CborItem {
    public static final int NULL = 22;
  }
}
