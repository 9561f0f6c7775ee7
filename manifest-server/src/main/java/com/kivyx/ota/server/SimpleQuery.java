package com.kivyx.ota.server;

import io.vertx.core.MultiMap;

/**
 * The query of a device poll as Vert.x's {@code params()} would give it, for the queries devices
 * send: {@code name=value} pairs of unreserved characters, where decoding changes nothing. Netty's
 * decoder builds a map, which Vert.x then copies; this splits once. Anything else (percent or
 * {@code +} escapes, {@code ;}, empty or nameless pairs) returns null and goes to Vert.x.
 */
public final class SimpleQuery {
  /** Vert.x decodes at most this many parameters. */
  private static final int MAX_PARAMS = 1024;

  private SimpleQuery() {}

  /** The parameters, case-insensitive by name like Vert.x's, or null when the query is not simple. */
  public static MultiMap parse(String query) {
    if (query == null || query.isEmpty()) {
      return null;
    }
    MultiMap params = MultiMap.caseInsensitiveMultiMap();
    int count = 0;
    int start = 0;
    int n = query.length();
    while (start <= n) {
      int end = query.indexOf('&', start);
      if (end < 0) {
        end = n;
      }
      int eq = -1;
      for (int i = start; i < end; i++) {
        char c = query.charAt(i);
        if (c == '=') {
          if (eq >= 0) {
            return null;
          }
          eq = i;
        } else if (!unreserved(c)) {
          return null;
        }
      }
      if (eq <= start || ++count > MAX_PARAMS) {
        return null;
      }
      params.add(query.substring(start, eq), query.substring(eq + 1, end));
      start = end + 1;
    }
    return params;
  }

  private static boolean unreserved(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~' || c == ':';
  }
}
