package com.kivyx.ota.dashboard.catalog;

import com.kivyx.ota.format.DeltaRef;
import java.util.Optional;

/** A delta and what it saves against the compressed full bundle; {@code fromReleaseId} when a release on the channel has that base. */
public record DeltaSaving(DeltaRef delta, Optional<String> fromReleaseId, long compressedBundleBytes) {
  /** Percent of the compressed bundle not downloaded, one decimal; negative when the delta is bigger. */
  public String savingPercent() {
    if (compressedBundleBytes <= 0) {
      return "-";
    }
    return String.format(java.util.Locale.ROOT, "%.1f%%", 100.0 * (compressedBundleBytes - delta.size()) / compressedBundleBytes);
  }
}
