package com.kivyx.ota.format;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Field rules shared by the document records; each failure names the field it is about. */
final class Check {
  static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
  /** App ids, release ids and channel names: letters, digits, '.', '_' and '-'. */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  /** RFC 3339 in UTC with whole seconds: one spelling per instant. */
  static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z");
  /** Store-relative URLs: no scheme, no leading slash, no '..', nothing needing escapes. */
  private static final Pattern RELATIVE_URL = Pattern.compile("[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*");

  private Check() {}

  static <T> T present(String field, T value) {
    if (value == null) {
      throw new InvalidDocumentException(field + " is required");
    }
    return value;
  }

  static String text(String field, String value, int maxLength) {
    present(field, value);
    if (value.isBlank() || value.length() > maxLength) {
      throw new InvalidDocumentException(
          field + " must be non-empty and at most " + maxLength + " characters");
    }
    return value;
  }

  static String matches(String field, String value, Pattern pattern, String expected) {
    present(field, value);
    if (!pattern.matcher(value).matches()) {
      throw new InvalidDocumentException(field + " must be " + expected + ", got '" + value + "'");
    }
    return value;
  }

  static String name(String field, String value) {
    return matches(field, value, NAME, "1-128 letters, digits, '.', '_' or '-'");
  }

  static String sha256(String field, String value) {
    return matches(field, value, SHA256_HEX, "a lowercase 64-character hex SHA-256");
  }

  static String timestamp(String field, String value) {
    matches(field, value, TIMESTAMP, "an RFC 3339 UTC time like 2026-11-27T10:00:00Z");
    try {
      java.time.Instant.parse(value);
    } catch (java.time.format.DateTimeParseException e) {
      throw new InvalidDocumentException(field + " is not a valid time: '" + value + "'");
    }
    return value;
  }

  static String relativeUrl(String field, String value) {
    present(field, value);
    boolean ok = RELATIVE_URL.matcher(value).matches();
    if (ok) {
      for (String segment : value.split("/")) {
        ok &= !segment.equals(".") && !segment.equals("..");
      }
    }
    if (!ok) {
      throw new InvalidDocumentException(
          field + " must be a URL relative to the store root (like apps/<app>/blobs/sha256/<hex>), got '"
              + value + "'");
    }
    return value;
  }

  static long positive(String field, long value) {
    if (value <= 0) {
      throw new InvalidDocumentException(field + " must be greater than 0, got " + value);
    }
    return value;
  }

  static long nonNegative(String field, long value) {
    if (value < 0) {
      throw new InvalidDocumentException(field + " must not be negative, got " + value);
    }
    return value;
  }

  static <T> List<T> list(List<T> value) {
    return value == null ? List.of() : List.copyOf(value);
  }

  static <T> void unique(String field, Collection<T> values) {
    Set<T> seen = new HashSet<>();
    for (T v : values) {
      if (!seen.add(v)) {
        throw new InvalidDocumentException(field + " lists '" + v + "' twice");
      }
    }
  }
}
