package com.kivyx.ota.dashboard.kube;

import com.kivyx.ota.format.ChannelId;
import java.util.List;
import java.util.Optional;

/** Where the dashboard reads Rollouts from: Kubernetes informers, or nothing in static mode. */
public interface RolloutSource {
  boolean enabled();

  List<RolloutView> rollouts();

  Optional<RolloutView> rollout(String namespace, String name);

  /** The Rollout's events, oldest first. */
  List<RolloutEvent> events(String namespace, String name);

  /** The Channel resources that make this channel (app, platform, name). */
  List<ChannelResource> channels(ChannelId id);

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

      @Override
      public List<ChannelResource> channels(ChannelId id) {
        return List.of();
      }
    };
  }
}
