package com.kivyx.ota.dashboard.kube;

/** One Kubernetes Event of a Rollout, as the timeline shows it. */
public record RolloutEvent(String time, String type, String reason, String message) {}
