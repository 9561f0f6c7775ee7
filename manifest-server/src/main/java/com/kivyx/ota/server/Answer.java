package com.kivyx.ota.server;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;

/**
 * A response body computed once per snapshot, with its strong ETag (quoted).
 *
 * @param wire the body in an off-heap buffer, written as is on every request (Vert.x sends a
 *     slice of it; nothing copies or re-serialises it)
 * @param etagHeader the ETag as a header value Vert.x neither re-validates nor re-encodes
 */
public record Answer(byte[] body, String etag, Buffer wire, CharSequence etagHeader) {
  static Answer of(byte[] body) {
    return of(body, ETags.strong(body));
  }

  static Answer of(byte[] body, String etag) {
    Buffer wire = Buffer.buffer(Unpooled.unreleasableBuffer(Unpooled.directBuffer(body.length).writeBytes(body).asReadOnly()));
    return new Answer(body, etag, wire, HttpHeaders.createOptimized(etag));
  }
}
