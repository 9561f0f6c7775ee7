package com.kivyx.ota.analysis;

import java.time.Instant;

/** What the data source said at one look: counts as of a time, or why there are none. */
public sealed interface Observation {
  /** Cumulative settled trials since the analysis run started, as of {@code at}. */
  record Counted(TrialCounts counts, Instant at) implements Observation {}

  /** No usable data (the query failed, no replica scraped, no series yet). */
  record Missing(String why) implements Observation {}
}
