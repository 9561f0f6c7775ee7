package com.kivyx.ota.server.expo;

import com.kivyx.ota.server.PreparedHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An answer to an Expo client, built once per snapshot or per error: status, headers, body.
 *
 * @param wire the same answer as Vert.x writes it; for answers built with a snapshot, headers
 *     Vert.x neither validates nor encodes again and an off-heap body sent as is
 */
public record ExpoResponse(int status, List<Map.Entry<String, String>> headers, byte[] body, Wire wire) {
  /** On every answer: the spec's protocol headers and a short cache lifetime (answers differ per device). */
  static final List<Map.Entry<String, String>> PROTOCOL_HEADERS =
      List.of(Map.entry("expo-protocol-version", "1"), Map.entry("expo-sfv-version", "0"), Map.entry("cache-control", "private, max-age=0"));

  public ExpoResponse {
    headers = List.copyOf(headers);
  }

  /** An answer whose wire form is made now, off-heap: for answers that live as long as a snapshot. */
  ExpoResponse(int status, List<Map.Entry<String, String>> headers, byte[] body) {
    this(status, headers, body, Wire.prepared(status, headers, body));
  }

  /**
   * Headers and body ready to write: names and values as {@link HttpHeaders#createOptimized}
   * (ASCII ones; anything else stays a string Vert.x checks), the body as a buffer.
   *
   * @param head for answers built with a snapshot, the status line and headers as {@link
   *     PreparedHead} (null for one-off answers and any with a header that is not ASCII)
   */
  public record Wire(CharSequence[] names, CharSequence[] values, Buffer body, ByteBuf head) {
    static Wire prepared(int status, List<Map.Entry<String, String>> headers, byte[] body) {
      CharSequence[] pairs = new CharSequence[2 * headers.size()];
      for (int i = 0; i < headers.size(); i++) {
        pairs[2 * i] = headers.get(i).getKey();
        pairs[2 * i + 1] = headers.get(i).getValue();
      }
      // a 204 goes out without a body or its length, as Vert.x sends it
      return of(headers, Buffer.buffer(PreparedHead.offHeap(body)), PreparedHead.of(status, status == 204 ? -1 : body.length, pairs));
    }

    /** For a one-off answer (an error): the body wrapped, not copied off-heap. */
    static Wire plain(List<Map.Entry<String, String>> headers, byte[] body) {
      return of(headers, Buffer.buffer(Unpooled.wrappedBuffer(body)), null);
    }

    private static Wire of(List<Map.Entry<String, String>> headers, Buffer body, ByteBuf head) {
      CharSequence[] names = new CharSequence[headers.size()];
      CharSequence[] values = new CharSequence[headers.size()];
      for (int i = 0; i < names.length; i++) {
        names[i] = optimized(headers.get(i).getKey());
        values[i] = optimized(headers.get(i).getValue());
      }
      return new Wire(names, values, body, head);
    }

    private static CharSequence optimized(String text) {
      return StandardCharsets.US_ASCII.newEncoder().canEncode(text) ? HttpHeaders.createOptimized(text) : text;
    }
  }

  static ExpoResponse ok(String contentType, byte[] body, Map<String, String> extra) {
    List<Map.Entry<String, String>> headers = new ArrayList<>(PROTOCOL_HEADERS);
    headers.add(Map.entry("content-type", contentType));
    extra.forEach((k, v) -> headers.add(Map.entry(k, v)));
    return new ExpoResponse(200, headers, body);
  }

  /** A multipart answer with no parts: the device keeps what it runs (must carry the protocol version). */
  static final ExpoResponse NO_CONTENT = new ExpoResponse(204, PROTOCOL_HEADERS, new byte[0]);

  static ExpoResponse error(int status, String error, String message) {
    List<Map.Entry<String, String>> headers = new ArrayList<>(PROTOCOL_HEADERS);
    headers.add(Map.entry("content-type", "application/json"));
    byte[] body = ("{\"error\":" + quote(error) + ",\"message\":" + quote(message) + "}").getBytes(StandardCharsets.UTF_8);
    return new ExpoResponse(status, headers, body, Wire.plain(headers, body));
  }

  public String header(String name) {
    return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst().orElse(null);
  }

  private static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
