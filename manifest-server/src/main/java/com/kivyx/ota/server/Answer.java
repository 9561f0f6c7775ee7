package com.kivyx.ota.server;

/** A response body computed once per snapshot, with its strong ETag (quoted). */
public record Answer(byte[] body, String etag) {
  static Answer of(byte[] body) {
    return new Answer(body, ETags.strong(body));
  }
}
