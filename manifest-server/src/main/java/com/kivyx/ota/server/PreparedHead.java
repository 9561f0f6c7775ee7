package com.kivyx.ota.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * A status line and headers encoded once, exactly as Vert.x writes them for the same response
 * (names as given, in that order, {@code content-length} last on a 200), for {@link PollFastPath}
 * to write as they are. Off-heap and never released: the GC frees them with their snapshot.
 */
final class PreparedHead {
  private PreparedHead() {}

  /** A 200 with a body of {@code contentLength} bytes; {@code headers} are name, value pairs. */
  static ByteBuf ok(long contentLength, CharSequence... headers) {
    return encode("HTTP/1.1 200 OK", headers, "content-length: " + contentLength + "\r\n");
  }

  /** A 304, which carries no body and no content-length. */
  static ByteBuf notModified(CharSequence... headers) {
    return encode("HTTP/1.1 304 Not Modified", headers, "");
  }

  /** Bytes off-heap, read-only and unreleasable: written as duplicates, each with its own indexes. */
  static ByteBuf offHeap(byte[] bytes) {
    return Unpooled.unreleasableBuffer(Unpooled.directBuffer(Math.max(1, bytes.length)).writeBytes(bytes).asReadOnly());
  }

  private static ByteBuf encode(String statusLine, CharSequence[] headers, String last) {
    StringBuilder head = new StringBuilder(statusLine).append("\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    return offHeap(head.append(last).append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
  }
}
