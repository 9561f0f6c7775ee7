package com.kivyx.ota.format;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A semantic version (semver.org 2.0.0); build metadata is accepted and ignored. */
public record Semver(long major, long minor, long patch, List<String> prerelease)
    implements Comparable<Semver> {
  private static final String NUM = "(0|[1-9]\\d{0,8})";
  private static final String ID = "(?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*)";
  private static final Pattern SEMVER =
      Pattern.compile(
          NUM + "\\." + NUM + "\\." + NUM + "(?:-(" + ID + "(?:\\." + ID + ")*))?"
              + "(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?");

  public Semver {
    prerelease = List.copyOf(prerelease);
  }

  /** Parses {@code MAJOR.MINOR.PATCH[-PRE][+BUILD]}; empty when the text is not one. */
  public static Optional<Semver> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Semver plain = plain(text);
    return plain != null ? Optional.of(plain) : matched(text);
  }

  /**
   * {@code MAJOR.MINOR.PATCH} alone, as most versions are, read without the pattern (device
   * polls parse one each); null for anything else, which {@link #matched} then decides.
   */
  static Semver plain(String text) {
    long[] parts = new long[3];
    int i = 0;
    for (int p = 0; p < 3; p++) {
      int start = i;
      while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        i++;
      }
      int digits = i - start;
      if (digits == 0 || digits > 9 || (digits > 1 && text.charAt(start) == '0')) {
        return null;
      }
      parts[p] = Long.parseLong(text, start, i, 10);
      boolean last = p == 2;
      if (last ? i != text.length() : i >= text.length() || text.charAt(i++) != '.') {
        return null;
      }
    }
    return new Semver(parts[0], parts[1], parts[2], List.of());
  }

  /** The full grammar, by the pattern. */
  static Optional<Semver> matched(String text) {
    Matcher m = SEMVER.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    List<String> pre = m.group(4) == null ? List.of() : List.of(m.group(4).split("\\."));
    return Optional.of(
        new Semver(
            Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), pre));
  }

  @Override
  public int compareTo(Semver o) {
    int c = Long.compare(major, o.major);
    if (c == 0) {
      c = Long.compare(minor, o.minor);
    }
    if (c == 0) {
      c = Long.compare(patch, o.patch);
    }
    return c != 0 ? c : comparePrerelease(prerelease, o.prerelease);
  }

  /** semver.org §11: a release sorts after its prereleases; identifiers compare one by one. */
  private static int comparePrerelease(List<String> a, List<String> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return Boolean.compare(a.isEmpty(), b.isEmpty());
    }
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      String x = a.get(i);
      String y = b.get(i);
      boolean xNum = x.chars().allMatch(Character::isDigit);
      boolean yNum = y.chars().allMatch(Character::isDigit);
      int c;
      if (xNum && yNum) {
        c = x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
      } else if (xNum || yNum) {
        c = xNum ? -1 : 1;
      } else {
        c = x.compareTo(y);
      }
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  Semver nextMajor() {
    return new Semver(major + 1, 0, 0, List.of());
  }

  Semver nextMinor() {
    return new Semver(major, minor + 1, 0, List.of());
  }

  Semver nextPatch() {
    return new Semver(major, minor, patch + 1, List.of());
  }
}
