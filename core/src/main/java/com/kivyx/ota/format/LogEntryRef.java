package com.kivyx.ota.format;

/**
 * A stored transparency log entry (the log's raw answer: entry, inclusion proof, signed
 * checkpoint) and, for display and the auditor, the log's origin and the entry's index.
 */
public record LogEntryRef(String url, String sha256, long size, String origin, long logIndex) {
  public LogEntryRef {
    Check.relativeUrl("log entry url", url);
    Check.sha256("log entry sha256", sha256);
    Check.positive("log entry size", size);
    Check.text("log origin", origin, 255);
    Check.nonNegative("log index", logIndex);
  }
}
