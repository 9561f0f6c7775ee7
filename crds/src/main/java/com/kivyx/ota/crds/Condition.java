package com.kivyx.ota.crds;

/**
 * A Kubernetes-style condition: {@code Ready}, {@code Published}, {@code Progressing}, … with a
 * reason and a message a person can act on.
 */
public record Condition(String type, String status, String reason, String message, String lastTransitionTime, Long observedGeneration) {
  public static final String TRUE = "True";
  public static final String FALSE = "False";
}
