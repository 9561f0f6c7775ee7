package com.kivyx.ota.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A status line and headers encoded once, exactly as Vert.x writes them for the same response
 * (names as given, in that order, {@code content-length} last on a 200), for {@link PollFastPath}
 * to write as they are. Off-heap and never released: the GC frees them with their snapshot.
 */
public final class PreparedHead {
  private PreparedHead() {}

  /** A 200 with a body of {@code contentLength} bytes; {@code headers} are name, value pairs. */
  static ByteBuf ok(long contentLength, CharSequence... headers) {
    return of(200, contentLength, headers);
  }

  /** A 304, which carries no body and no content-length. */
  static ByteBuf notModified(CharSequence... headers) {
    return of(304, -1, headers);
  }

  /**
   * Any status Vert.x has a reason phrase for, with the body's length (-1: none sent, as for 204
   * and 304); null where a header is not ASCII (Vert.x encodes those itself).
   */
  public static ByteBuf of(int status, long contentLength, CharSequence... headers) {
    for (CharSequence header : headers) {
      if (!StandardCharsets.US_ASCII.newEncoder().canEncode(header)) {
        return null;
      }
    }
    String statusLine = "HTTP/1.1 " + HttpResponseStatus.valueOf(status);
    return encode(statusLine, headers, contentLength < 0 ? "" : "content-length: " + contentLength + "\r\n");
  }

  /**
   * Bytes off-heap, read-only and unreleasable: written as duplicates, each with its own indexes.
   * A JDK direct buffer, so the GC frees it with the snapshot whatever allocator mode Netty runs in
   * (its own unreleasable direct buffers are never freed where it runs without cleaners).
   */
  public static ByteBuf offHeap(byte[] bytes) {
    ByteBuffer direct = ByteBuffer.allocateDirect(Math.max(1, bytes.length)).put(bytes).flip();
    return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct).asReadOnly());
  }

  private static ByteBuf encode(String statusLine, CharSequence[] headers, String last) {
    StringBuilder head = new StringBuilder(statusLine).append("\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    return offHeap(head.append(last).append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
  }
}
