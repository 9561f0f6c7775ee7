package com.kivyx.ota.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Writes JSON deterministically: object keys sorted by UTF-16 code units (as JavaScript's
 * default sort does), no insignificant white space, integers only, strings escaped as
 * {@code JSON.stringify} escapes them. The same tree always gives the same bytes, which is
 * what gets signed; verifiers check those bytes and never re-serialise.
 */
public final class CanonicalJson {
  private CanonicalJson() {}

  public static byte[] write(JsonNode node) {
    StringBuilder out = new StringBuilder(256);
    append(out, node);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void append(StringBuilder out, JsonNode node) {
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      names.sort(null);
      out.append('{');
      boolean first = true;
      for (String name : names) {
        JsonNode value = node.get(name);
        if (value.isNull() || value.isMissingNode()) {
          continue; // absent and null mean the same; writing neither keeps one spelling
        }
        if (!first) {
          out.append(',');
        }
        first = false;
        appendString(out, name);
        out.append(':');
        append(out, value);
      }
      out.append('}');
    } else if (node.isArray()) {
      out.append('[');
      Iterator<JsonNode> items = node.elements();
      while (items.hasNext()) {
        append(out, items.next());
        if (items.hasNext()) {
          out.append(',');
        }
      }
      out.append(']');
    } else if (node.isTextual()) {
      appendString(out, node.textValue());
    } else if (node.isBoolean()) {
      out.append(node.booleanValue());
    } else if (node.isIntegralNumber() && node.canConvertToLong()) {
      out.append(node.longValue());
    } else if (node.isNull()) {
      out.append("null");
    } else {
      throw new IllegalArgumentException(
          "canonical JSON holds integers only (no floats or huge numbers), got " + node);
    }
  }

  private static void appendString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else if (Character.isSurrogate(c)) {
            if (Character.isHighSurrogate(c)
                && i + 1 < s.length()
                && Character.isLowSurrogate(s.charAt(i + 1))) {
              out.append(c).append(s.charAt(++i));
            } else {
              throw new IllegalArgumentException("string holds a lone surrogate at index " + i);
            }
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
