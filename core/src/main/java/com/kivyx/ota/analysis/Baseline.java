package com.kivyx.ota.analysis;

/** The release a candidate replaces, with its settled trials (frozen when it was superseded). */
public record Baseline(String release, TrialCounts counts) {}
