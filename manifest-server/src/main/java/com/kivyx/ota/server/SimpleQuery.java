package com.kivyx.ota.server;

/**
 * The query of a device poll as Vert.x's {@code params()} would give it, for the queries devices
 * send: {@code name=value} pairs of unreserved characters, where decoding changes nothing. Netty's
 * decoder builds a map, which Vert.x then copies; this splits once into {@link QueryParams}.
 * Anything else (percent or {@code +} escapes, {@code ;}, empty or nameless pairs) returns null
 * and goes to Vert.x.
 */
public final class SimpleQuery {
  /** Vert.x decodes at most this many parameters. */
  private static final int MAX_PARAMS = 1024;

  private SimpleQuery() {}

  /** The parameters, or null when the query is not simple. */
  public static QueryParams parse(String query) {
    if (query == null || query.isEmpty()) {
      return null;
    }
    int params = 1;
    for (int i = query.indexOf('&'); i >= 0; i = query.indexOf('&', i + 1)) {
      params++;
    }
    if (params > MAX_PARAMS) {
      return null;
    }
    String[] pairs = new String[2 * params];
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
      if (eq <= start) {
        return null;
      }
      pairs[2 * count] = query.substring(start, eq);
      pairs[2 * count + 1] = query.substring(eq + 1, end);
      count++;
      start = end + 1;
    }
    return new QueryParams(pairs);
  }

  private static boolean unreserved(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~' || c == ':';
  }
}
