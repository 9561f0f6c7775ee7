package com.kivyx.ota.dashboard.web;

import com.kivyx.ota.dashboard.catalog.ChannelState;
import com.kivyx.ota.dashboard.kube.RolloutView;
import com.kivyx.ota.format.Platform;
import java.util.List;
import java.util.Optional;

/** Every app: its channels × platforms, and the live rollouts (Kubernetes only). */
public record OverviewPage(String source, List<App> apps, List<RolloutView> rollouts, boolean kubernetes) {
  public static final List<Platform> PLATFORMS = List.of(Platform.IOS, Platform.ANDROID);

  public record App(String appId, List<Row> channels) {}

  /** One channel name; a platform without an index there is empty. */
  public record Row(String channel, Optional<ChannelState> ios, Optional<ChannelState> android) {
    public Optional<ChannelState> on(Platform platform) {
      return platform == Platform.IOS ? ios : android;
    }
  }

  /** The channel's active Rollouts (not Completed, Superseded or Aborted): what someone may still act on. */
  public List<RolloutView> rolloutsOn(String appId, String channel) {
    return rollouts.stream()
        .filter(r -> r.appId().map(appId::equals).orElse(false) && r.channelName().map(channel::equals).orElse(false))
        .filter(RolloutView::active)
        .toList();
  }
}
