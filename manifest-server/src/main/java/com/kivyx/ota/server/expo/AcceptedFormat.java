package com.kivyx.ota.server.expo;

import java.util.Locale;
import java.util.Optional;

/** What an Expo client's {@code Accept} lets us answer with: multipart/mixed, or the manifest alone as JSON. */
enum AcceptedFormat {
  MULTIPART("multipart/mixed"),
  EXPO_JSON("application/expo+json"),
  JSON("application/json");

  final String mediaType;

  AcceptedFormat(String mediaType) {
    this.mediaType = mediaType;
  }

  /**
   * The format with the highest q-value; ties go to multipart (the only one with directives),
   * then expo+json. No Accept at all means multipart, as the reference server answers.
   *
   * @return empty when none is acceptable (so: 406)
   */
  static Optional<AcceptedFormat> negotiate(String accept) {
    if (accept == null || accept.isBlank()) {
      return Optional.of(MULTIPART);
    }
    AcceptedFormat best = null;
    double bestQ = 0;
    for (AcceptedFormat format : values()) {
      double q = quality(accept, format.mediaType);
      if (q > bestQ) {
        best = format;
        bestQ = q;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The q-value the most specific matching range gives a type (RFC 9110 12.5.1); 0 when none matches. */
  static double quality(String accept, String mediaType) {
    String type = mediaType.substring(0, mediaType.indexOf('/'));
    int bestSpecificity = -1;
    double q = 0;
    for (String range : accept.split(",")) {
      String[] params = range.split(";");
      String name = params[0].trim().toLowerCase(Locale.ROOT);
      int specificity = name.equals(mediaType) ? 2 : name.equals(type + "/*") ? 1 : name.equals("*/*") ? 0 : -1;
      if (specificity < 0 || specificity < bestSpecificity) {
        continue;
      }
      double value = 1;
      for (int i = 1; i < params.length; i++) {
        String p = params[i].trim().toLowerCase(Locale.ROOT);
        if (p.startsWith("q=")) {
          try {
            value = Double.parseDouble(p.substring(2));
          } catch (NumberFormatException e) {
            value = 0;
          }
        }
      }
      bestSpecificity = specificity;
      q = Math.max(0, Math.min(1, value));
    }
    return q;
  }
}
