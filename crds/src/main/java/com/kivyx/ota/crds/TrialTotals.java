package com.kivyx.ota.crds;

/**
 * A Rollout's settled trials since it was created, kept up to date while it is live and frozen
 * once it is superseded: the next release's baseline, whatever Prometheus still retains.
 */
public record TrialTotals(Long healthy, Long rolledBack, String observedAt) {}
