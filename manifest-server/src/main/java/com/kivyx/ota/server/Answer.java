package com.kivyx.ota.server;

import com.kivyx.ota.store.StoreLayout;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;

/**
 * A response body computed once per snapshot, with its strong ETag (quoted) and the headers it
 * goes out with.
 *
 * @param content the body in an off-heap buffer, written as is on every request (as duplicates:
 *     their own indexes over the same bytes); nothing copies or re-serialises it
 * @param wire {@code content} as Vert.x takes it
 * @param etagHeader the ETag as a header value Vert.x neither re-validates nor re-encodes
 * @param contentType and {@code cacheControl}: as header values, the same way
 * @param ok the {@link PreparedHead} of a 200 with this body; {@code notModified} that of the 304
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
    ByteBuf content = PreparedHead.offHeap(body);
    return new Answer(
        body,
        etag,
        content,
        Buffer.buffer(content),
        HttpHeaders.createOptimized(etag),
        contentType,
        cacheControl,
        PreparedHead.ok(body.length, "etag", etag, "cache-control", cacheControl, "content-type", contentType),
        PreparedHead.notModified("etag", etag, "cache-control", cacheControl));
  }
}
