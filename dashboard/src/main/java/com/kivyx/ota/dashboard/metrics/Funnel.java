package com.kivyx.ota.dashboard.metrics;

import com.kivyx.ota.telemetry.EventType;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A release's event funnel: downloaded → applied → healthy or rolled back (by reason). Every
 * stage prints its count, and a share only where the stage before it is a real denominator:
 * clients may skip {@code downloaded}, so "applied of downloaded" is shown only when downloaded
 * is at least applied. Trials still running are applied but neither healthy nor rolled back.
 */
public record Funnel(long downloaded, long applied, long healthy, long rolledBack, long crashed, Map<String, Long> rolledBackByReason) {
  /** A row of the funnel table: what, how many, and of what. */
  public record Stage(String key, String label, long count, String share) {}

  public static Funnel of(EventTotals totals) {
    return new Funnel(totals.count(EventType.DOWNLOADED.wire()), totals.count(EventType.APPLIED.wire()), totals.count(EventType.HEALTHY.wire()),
        totals.count(EventType.ROLLED_BACK.wire()), totals.count(EventType.CRASHED.wire()), totals.byReason(EventType.ROLLED_BACK.wire()));
  }

  public long settled() {
    return healthy + rolledBack;
  }

  /** Applied but not yet healthy or rolled back; 0 when events arrived out of order. */
  public long inTrial() {
    return Math.max(0, applied - settled());
  }

  public boolean empty() {
    return downloaded + applied + healthy + rolledBack + crashed == 0;
  }

  public List<Stage> stages() {
    List<Stage> out = new java.util.ArrayList<>();
    out.add(new Stage("downloaded", "Downloaded", downloaded, ""));
    out.add(new Stage("applied", "Applied", applied, downloaded >= applied ? share(applied, downloaded, "downloaded") : "some clients do not report downloads"));
    out.add(new Stage("inTrial", "Still in trial", inTrial(), share(inTrial(), applied, "applied")));
    out.add(new Stage("healthy", "Healthy", healthy, share(healthy, settled(), "settled trials")));
    out.add(new Stage("rolledBack", "Rolled back", rolledBack, share(rolledBack, settled(), "settled trials")));
    rolledBackByReason.forEach((reason, n) -> out.add(new Stage("rolledBack:" + reason, "rolled back: " + reason, n, share(n, rolledBack, "rollbacks"))));
    return out;
  }

  /** "66.7% of 3 settled trials", so 2 in 3 never reads like 2,000 in 3,000; empty without a denominator. */
  static String share(long part, long whole, String of) {
    if (whole <= 0) {
      return "";
    }
    return String.format(Locale.ROOT, "%.1f%% of %,d %s", 100.0 * part / whole, whole, of);
  }
}
