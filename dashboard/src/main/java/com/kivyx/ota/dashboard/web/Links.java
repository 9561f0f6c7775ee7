package com.kivyx.ota.dashboard.web;

import com.kivyx.ota.format.ChannelId;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The dashboard's URLs in one place, so pages and routes agree. Names are the documents' (letters, digits, '.', '_', '-'): path-safe. */
public final class Links {
  private Links() {}

  public static String channel(ChannelId id) {
    return "/apps/" + id.appId() + "/" + id.platform().id() + "/" + id.channel();
  }

  public static String verify(ChannelId id) {
    return channel(id) + "/verify";
  }

  /** A static-mode write: weight, revoke or resign. */
  public static String channelWrite(ChannelId id, String write) {
    return channel(id) + "/" + write;
  }

  /** Basis points as the number the weight field takes: 2500 → "25", 125 → "1.25". */
  public static String percentNumber(int basisPoints) {
    return new java.math.BigDecimal(basisPoints).movePointLeft(2).stripTrailingZeros().toPlainString();
  }

  public static String release(ChannelId id, String releaseId) {
    return channel(id) + "/releases/" + releaseId;
  }

  public static String explain(ChannelId id) {
    return channel(id) + "/explain";
  }

  public static String rollout(String namespace, String name) {
    return "/namespaces/" + namespace + "/rollouts/" + name;
  }

  public static String rolloutAction(String namespace, String name, String action) {
    return rollout(namespace, name) + "/" + action;
  }

  /** The chart ranges the release page offers ({@code ?range=}), shortest first. */
  public static java.util.List<String> chartRanges() {
    return java.util.List.copyOf(ChartRequest.RANGES.keySet());
  }

  public static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Basis points as a percent: 2500 → "25%", 125 → "1.25%". */
  public static String percent(int basisPoints) {
    return basisPoints % 100 == 0 ? basisPoints / 100 + "%" : new java.math.BigDecimal(basisPoints).movePointLeft(2).stripTrailingZeros().toPlainString() + "%";
  }

  /** {@link #bytes} with the exact count beside it when rounded: "57.6 KiB (58977 B)", or "1976 B". */
  public static String bytesExact(long n) {
    return n < 10 * 1024 ? bytes(n) : bytes(n) + " (" + n + " B)";
  }

  /** Targeting in words: "attribute tier in beta; arch arm64 or x86_64; rnVersion >=0.74". */
  public static String targeting(com.kivyx.ota.format.Targeting t) {
    if (t == null) {
      return "everyone";
    }
    java.util.List<String> parts = new java.util.ArrayList<>();
    if (t.rnVersion() != null) {
      parts.add("rnVersion " + t.rnVersion());
    }
    if (t.arch() != null) {
      parts.add("arch " + String.join(" or ", t.arch()));
    }
    if (t.attributes() != null) {
      for (var rule : t.attributes()) {
        parts.add("attribute " + rule.attribute() + " " + rule.op() + " " + (rule.values() != null ? String.join(", ", rule.values()) : rule.value()));
      }
    }
    return parts.isEmpty() ? "everyone" : String.join("; ", parts);
  }

  /** Bytes for people: exact below 10 KiB, else KiB/MiB with one decimal, with the exact count beside it on the page. */
  public static String bytes(long n) {
    if (n < 0) {
      return "unknown";
    }
    if (n < 10 * 1024) {
      return n + " B";
    }
    if (n < 10L * 1024 * 1024) {
      return String.format(java.util.Locale.ROOT, "%.1f KiB", n / 1024.0);
    }
    return String.format(java.util.Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
  }
}
