package com.kivyx.ota.server.expo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An answer to an Expo client, built once per snapshot or per error: status, headers, body. */
public record ExpoResponse(int status, List<Map.Entry<String, String>> headers, byte[] body) {
  /** On every answer: the spec's protocol headers and a short cache lifetime (answers differ per device). */
  static final List<Map.Entry<String, String>> PROTOCOL_HEADERS =
      List.of(Map.entry("expo-protocol-version", "1"), Map.entry("expo-sfv-version", "0"), Map.entry("cache-control", "private, max-age=0"));

  public ExpoResponse {
    headers = List.copyOf(headers);
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
    String body = "{\"error\":" + quote(error) + ",\"message\":" + quote(message) + "}";
    return new ExpoResponse(status, headers, body.getBytes(StandardCharsets.UTF_8));
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
