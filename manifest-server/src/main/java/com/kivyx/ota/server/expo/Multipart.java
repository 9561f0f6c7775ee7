package com.kivyx.ota.server.expo;

import com.kivyx.ota.store.Sha256;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** A {@code multipart/mixed} body (RFC 2046) of Expo parts, each named by {@code content-disposition: inline; name=…}. */
final class Multipart {
  /** One part: its name, content type, extra headers (e.g. expo-signature) and the exact body bytes. */
  record Part(String name, String contentType, Map<String, String> headers, byte[] body) {}

  /** A finished body and the content type that names its boundary. */
  record Body(String contentType, byte[] bytes) {}

  private Multipart() {}

  static Body of(List<Part> parts) {
    // A boundary derived from the content, so the same parts always give the same bytes (and ETag-free caching is stable)
    StringBuilder seed = new StringBuilder();
    parts.forEach(p -> seed.append(Sha256.hex(p.body())));
    String boundary = "kivyx-" + Sha256.hex(seed.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 32);
    for (Part part : parts) {
      if (new String(part.body(), StandardCharsets.ISO_8859_1).contains(boundary)) {
        throw new IllegalStateException("a part contains the multipart boundary " + boundary);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Part part : parts) {
      StringBuilder head = new StringBuilder();
      head.append("--").append(boundary).append("\r\n");
      head.append("content-type: ").append(part.contentType()).append("\r\n");
      head.append("content-disposition: inline; name=\"").append(part.name()).append("\"\r\n");
      part.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
      head.append("\r\n");
      out.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(part.body());
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return new Body("multipart/mixed; boundary=" + boundary, out.toByteArray());
  }
}
