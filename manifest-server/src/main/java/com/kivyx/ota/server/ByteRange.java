package com.kivyx.ota.server;

import java.util.Optional;

/** One byte range of a {@code Range: bytes=…} header (RFC 9110 14.2), resolved against a length. */
record ByteRange(long start, long endInclusive) {
  /** Thrown for a well-formed range that lies wholly past the end: 416. */
  static final class Unsatisfiable extends Exception {
    private static final long serialVersionUID = 1L;

    Unsatisfiable() {
      super(null, null, false, false);
    }
  }

  long length() {
    return endInclusive - start + 1;
  }

  /**
   * @return empty when the whole content is to be sent: no header, a header we ignore as the
   *     RFC allows (another unit, several ranges, bad syntax)
   */
  static Optional<ByteRange> parse(String header, long size) throws Unsatisfiable {
    if (header == null || !header.startsWith("bytes=")) {
      return Optional.empty();
    }
    String spec = header.substring("bytes=".length()).trim();
    if (spec.contains(",")) {
      return Optional.empty(); // multipart answers are not worth it for bundles: send it whole
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return Optional.empty();
    }
    String first = spec.substring(0, dash).trim();
    String last = spec.substring(dash + 1).trim();
    try {
      if (first.isEmpty()) {
        if (last.isEmpty()) {
          return Optional.empty();
        }
        long suffix = Long.parseLong(last);
        if (suffix <= 0 || size == 0) {
          throw new Unsatisfiable();
        }
        return Optional.of(new ByteRange(Math.max(0, size - suffix), size - 1));
      }
      long start = Long.parseLong(first);
      long end = last.isEmpty() ? size - 1 : Long.parseLong(last);
      if (start < 0 || (!last.isEmpty() && end < start)) {
        return Optional.empty(); // syntactically invalid: ignore
      }
      if (start >= size) {
        throw new Unsatisfiable();
      }
      return Optional.of(new ByteRange(start, Math.min(end, size - 1)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
