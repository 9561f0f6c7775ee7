package com.kivyx.ota.dashboard.kube;

import java.util.List;
import java.util.Optional;

/** Where the dashboard reads Rollouts from: Kubernetes informers, or nothing in static mode. */
public interface RolloutSource {
  boolean enabled();

  List<RolloutView> rollouts();

  Optional<RolloutView> rollout(String namespace, String name);

  /** The Rollout's events, oldest first. */
  List<RolloutEvent> events(String namespace, String name);

  /** Static mode: rollouts are weights in the signed index, changed with {@code kivyx-ota rollout}. */
  static RolloutSource none() {
    return new RolloutSource() {
      @Override
      public boolean enabled() {
        return false;
      }

      @Override
      public List<RolloutView> rollouts() {
        return List.of();
      }

      @Override
      public Optional<RolloutView> rollout(String namespace, String name) {
        return Optional.empty();
      }

      @Override
      public List<RolloutEvent> events(String namespace, String name) {
        return List.of();
      }
    };
  }
}
