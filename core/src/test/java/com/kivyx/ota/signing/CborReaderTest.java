package com.kivyx.ota.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CborReaderTest {
  private static CborItem decode(String hex) throws CoseRejectedException {
    return CborReader.decode(HexFormat.of().parseHex(hex));
  }

  @Test
  void decodesTheItemsTheProfileUses() throws Exception {
    CborItem item = decode("d28443a10126a0443132333440");
    assertThat(item).isInstanceOf(CborItem.Tagged.class);
    CborItem.Tagged tagged = (CborItem.Tagged) item;
    assertThat(tagged.tag()).isEqualTo(18);
    CborItem.Array array = (CborItem.Array) tagged.content();
    assertThat(array.items()).hasSize(4);
    CborItem.Map header = (CborItem.Map) CborReader.decode(((CborItem.Bytes) array.items().get(0)).value());
    assertThat(header.get(1)).isEqualTo(new CborItem.Int(-7));
    assertThat(decode("3b7ffffffffffffffe")).isEqualTo(new CborItem.Int(Long.MIN_VALUE + 1));
    assertThat(decode("6449455446")).isEqualTo(new CborItem.Text("IETF"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "indefinite array, 9f01ff, INDEFINITE_LENGTH",
    "indefinite map, bf0102ff, INDEFINITE_LENGTH",
    "indefinite bstr, 5f4101ff, INDEFINITE_LENGTH",
    "indefinite tstr, 7f6161ff, INDEFINITE_LENGTH",
    "duplicate int key, a201020103, DUPLICATE_MAP_KEY",
    "duplicate text key well formed, a2616101616102, DUPLICATE_MAP_KEY",
    "trailing byte, 0100, TRAILING_BYTES",
    "truncated bstr, 4401, MALFORMED_CBOR",
    "truncated head, 19, MALFORMED_CBOR",
    "empty input, '', MALFORMED_CBOR",
    "float, f93c00, MALFORMED_CBOR",
    "reserved info, 1c, MALFORMED_CBOR",
    "non-shortest uint, 1801, NON_CANONICAL_CBOR",
    "non-shortest length, 590001ff, NON_CANONICAL_CBOR",
    "uint beyond long, 1bffffffffffffffff, MALFORMED_CBOR",
    "array count beyond input, 9a7fffffff, MALFORMED_CBOR",
    "bstr length beyond input, 5b00000001ffffffff, MALFORMED_CBOR",
    "invalid utf-8, 62c328, MALFORMED_CBOR"
  })
  void refuses(String name, String hex, RejectReason reason) {
    assertThatThrownBy(() -> decode(hex))
        .isInstanceOfSatisfying(CoseRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  @Test
  void refusesDeepNesting() {
    assertThatThrownBy(() -> decode("81".repeat(40) + "01"))
        .isInstanceOfSatisfying(CoseRejectedException.class, e -> assertThat(e.reason()).isEqualTo(RejectReason.MALFORMED_CBOR))
        .hasMessageContaining("nesting");
  }

  @Test
  void writerAlwaysUsesTheShortestForm() throws Exception {
    for (long v : new long[] {0, 23, 24, 255, 256, 65_535, 65_536, 4_294_967_295L, 4_294_967_296L, -1, -24, -25, -257, Long.MIN_VALUE}) {
      byte[] encoded = new CborWriter().integer(v).toByteArray();
      assertThat(CborReader.decode(encoded)).as("value %d", v).isEqualTo(new CborItem.Int(v));
    }
  }
}
