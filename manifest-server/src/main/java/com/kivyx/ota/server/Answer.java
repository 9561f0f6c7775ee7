package com.kivyx.ota.server;

import com.kivyx.ota.store.StoreLayout;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.nio.charset.StandardCharsets;

/**
 * A response body computed once per snapshot, with its strong ETag (quoted) and the headers it
 * goes out with.
 *
 * @param content the body in an off-heap buffer, written as is on every request (as duplicates:
 *     their own indexes over the same bytes); nothing copies or re-serialises it
 * @param wire {@code content} as Vert.x takes it
 * @param etagHeader the ETag as a header value Vert.x neither re-validates nor re-encodes
 * @param contentType and {@code cacheControl}: as header values, the same way
 * @param ok the status line and headers of a 200 with this body, as Vert.x writes them, for
 *     {@link PollFastPath}; {@code notModified} those of the 304
 */
public record Answer(
    byte[] body, String etag, ByteBuf content, Buffer wire, CharSequence etagHeader, CharSequence contentType, CharSequence cacheControl, ByteBuf ok, ByteBuf notModified) {
  static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  static final CharSequence COSE = HttpHeaders.createOptimized(StoreLayout.COSE_CONTENT_TYPE);
  /** Answers differ per device: a cache may keep them only to revalidate with the ETag. */
  static final CharSequence UPDATE_CACHE = HttpHeaders.createOptimized("private, no-cache");
  static final CharSequence INDEX_CACHE = HttpHeaders.createOptimized(StoreLayout.INDEX_CACHE);

  /** An {@code /update} answer. */
  static Answer update(byte[] body) {
    return of(body, ETags.strong(body), JSON, UPDATE_CACHE);
  }

  /** A signed channel index, by its own ETag. */
  static Answer index(byte[] cose, String etag) {
    return of(cose, etag, COSE, INDEX_CACHE);
  }

  private static Answer of(byte[] body, String etag, CharSequence contentType, CharSequence cacheControl) {
    String common = "etag: " + etag + "\r\ncache-control: " + cacheControl + "\r\n";
    ByteBuf content = offHeap(body);
    return new Answer(
        body,
        etag,
        content,
        Buffer.buffer(content),
        HttpHeaders.createOptimized(etag),
        contentType,
        cacheControl,
        offHeap(("HTTP/1.1 200 OK\r\n" + common + "content-type: " + contentType + "\r\ncontent-length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII)),
        offHeap(("HTTP/1.1 304 Not Modified\r\n" + common + "\r\n").getBytes(StandardCharsets.US_ASCII)));
  }

  /** Never released: the GC frees them with the snapshot. */
  private static ByteBuf offHeap(byte[] bytes) {
    return Unpooled.unreleasableBuffer(Unpooled.directBuffer(Math.max(1, bytes.length)).writeBytes(bytes).asReadOnly());
  }
}
