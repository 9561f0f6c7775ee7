package com.kivyx.ota.format;

import java.util.ArrayList;
import java.util.List;

/**
 * A small, exact subset of npm's range syntax that Java and TypeScript implement alike:
 * alternatives separated by {@code ||}, each a space-separated AND of comparators
 * {@code >=V >V <=V <V =V V ^V ~V *}, where V is a full {@code MAJOR.MINOR.PATCH[-PRE]}.
 * {@code ^1.2.3} is {@code >=1.2.3 <2.0.0} ({@code ^0.2.3}: {@code <0.3.0}; {@code ^0.0.3}:
 * {@code <0.0.4}); {@code ~1.2.3} is {@code >=1.2.3 <1.3.0}. Unlike npm, prereleases are
 * ordered by plain semver precedence with no special exclusion.
 */
public final class SemverRange {
  private record Comparator(String op, Semver version) {
    boolean test(Semver v) {
      int c = v.compareTo(version);
      return switch (op) {
        case ">=" -> c >= 0;
        case ">" -> c > 0;
        case "<=" -> c <= 0;
        case "<" -> c < 0;
        default -> c == 0;
      };
    }
  }

  private final String text;
  private final List<List<Comparator>> alternatives;

  private SemverRange(String text, List<List<Comparator>> alternatives) {
    this.text = text;
    this.alternatives = alternatives;
  }

  public static SemverRange parse(String text) {
    if (text == null || text.isBlank() || text.length() > 256) {
      throw invalid(text, "it is empty or longer than 256 characters");
    }
    List<List<Comparator>> alternatives = new ArrayList<>();
    for (String alternative : text.split("\\|\\|", -1)) {
      String trimmed = alternative.trim();
      if (trimmed.isEmpty()) {
        throw invalid(text, "an alternative between '||' is empty");
      }
      List<Comparator> all = new ArrayList<>();
      for (String token : trimmed.split(" +")) {
        addComparators(text, token, all);
      }
      alternatives.add(List.copyOf(all));
    }
    return new SemverRange(text, List.copyOf(alternatives));
  }

  public boolean matches(Semver version) {
    for (List<Comparator> all : alternatives) {
      if (all.stream().allMatch(c -> c.test(version))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return text;
  }

  private static void addComparators(String range, String token, List<Comparator> out) {
    if (token.equals("*")) {
      return; // matches everything: no constraint
    }
    String op = "=";
    for (String candidate : new String[] {">=", "<=", ">", "<", "=", "^", "~"}) {
      if (token.startsWith(candidate)) {
        op = candidate;
        break;
      }
    }
    String versionText = token.startsWith(op) ? token.substring(op.length()) : token;
    Semver v =
        Semver.parse(versionText)
            .orElseThrow(() -> invalid(range, "'" + versionText + "' is not MAJOR.MINOR.PATCH"));
    switch (op) {
      case "^" -> {
        Semver upper = v.major() > 0 ? v.nextMajor() : v.minor() > 0 ? v.nextMinor() : v.nextPatch();
        out.add(new Comparator(">=", v));
        out.add(new Comparator("<", upper));
      }
      case "~" -> {
        out.add(new Comparator(">=", v));
        out.add(new Comparator("<", v.nextMinor()));
      }
      default -> out.add(new Comparator(op, v));
    }
  }

  private static InvalidDocumentException invalid(String range, String why) {
    return new InvalidDocumentException("invalid semver range '" + range + "': " + why);
  }
}
