package com.kivyx.ota.dashboard.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Prometheus text exposition format (what a manifest server's {@code /metrics} serves), read
 * into samples: comments and blank lines skipped, label values unescaped, an optional timestamp
 * ignored. A line that is not a sample is refused with its number, so a wrong URL (an HTML page)
 * says so instead of reading as zero.
 */
public final class MetricsText {
  /** One line: {@code name{label="value",...} 42}. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private MetricsText() {}

  public static List<Sample> parse(String text) {
    List<Sample> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        out.add(sample(line));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("line " + (n + 1) + " is not a Prometheus sample (" + e.getMessage() + "): "
            + (line.length() > 80 ? line.substring(0, 80) + "…" : line));
      }
    }
    return out;
  }

  private static Sample sample(String line) {
    int i = 0;
    while (i < line.length() && isNameChar(line.charAt(i), i == 0)) {
      i++;
    }
    if (i == 0) {
      throw new IllegalArgumentException("no metric name");
    }
    String name = line.substring(0, i);
    Map<String, String> labels = new HashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i = labels(line, i + 1, labels);
    }
    String[] rest = line.substring(i).strip().split("\\s+");
    if (rest.length < 1 || rest.length > 2 || rest[0].isEmpty()) {
      throw new IllegalArgumentException("expected a value and an optional timestamp");
    }
    return new Sample(name, Map.copyOf(labels), value(rest[0]));
  }

  /** Reads {@code a="x",b="y"}} from {@code i}; returns the index after the closing brace. */
  private static int labels(String line, int i, Map<String, String> labels) {
    while (true) {
      while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == ',')) {
        i++;
      }
      if (i < line.length() && line.charAt(i) == '}') {
        return i + 1;
      }
      int start = i;
      while (i < line.length() && isNameChar(line.charAt(i), i == start)) {
        i++;
      }
      if (i == start || i + 1 >= line.length() || line.charAt(i) != '=' || line.charAt(i + 1) != '"') {
        throw new IllegalArgumentException("expected label=\"value\" at column " + (i + 1));
      }
      String key = line.substring(start, i);
      i += 2;
      StringBuilder value = new StringBuilder();
      while (true) {
        if (i >= line.length()) {
          throw new IllegalArgumentException("unterminated value of label " + key);
        }
        char c = line.charAt(i++);
        if (c == '"') {
          break;
        }
        if (c == '\\' && i < line.length()) {
          char e = line.charAt(i++);
          value.append(e == 'n' ? '\n' : e);
        } else {
          value.append(c);
        }
      }
      labels.put(key, value.toString());
    }
  }

  private static double value(String text) {
    return switch (text) {
      case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(text);
    };
  }

  private static boolean isNameChar(char c, boolean first) {
    return c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
  }
}
