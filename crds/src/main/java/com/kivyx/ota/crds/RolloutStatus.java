package com.kivyx.ota.crds;

import java.util.List;

/** How far a Rollout has come. */
public record RolloutStatus(
    String phase,
    Integer currentStep,
    Integer currentWeight,
    String pauseStartedAt,
    String message,
    Long observedGeneration,
    List<Condition> conditions,
    AnalysisStatus analysis,
    TrialTotals health) {
  /** Without guardrail fields. */
  public RolloutStatus(String phase, Integer currentStep, Integer currentWeight, String pauseStartedAt, String message, Long observedGeneration,
      List<Condition> conditions) {
    this(phase, currentStep, currentWeight, pauseStartedAt, message, observedGeneration, conditions, null, null);
  }

  public static final String PROGRESSING = "Progressing";
  public static final String PAUSED = "Paused";
  public static final String COMPLETED = "Completed";
  public static final String ABORTED = "Aborted";
  public static final String SUPERSEDED = "Superseded";
  /** The guardrail stopped it; resume with the ota.kivyx.com/resume annotation. */
  public static final String HALTED = "Halted";
}
