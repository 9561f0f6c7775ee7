package com.kivyx.ota.dashboard.kube;

import com.kivyx.ota.crds.Channel;
import com.kivyx.ota.crds.Condition;
import java.util.List;
import java.util.Optional;

/** A Channel resource behind a channel page: where it lives and its conditions (Ready, …) with their messages. */
public record ChannelResource(String namespace, String name, List<Condition> conditions, Optional<String> message) {
  public static ChannelResource of(Channel channel) {
    var status = channel.getStatus();
    return new ChannelResource(channel.getMetadata().getNamespace(), channel.getMetadata().getName(),
        status == null || status.conditions() == null ? List.of() : List.copyOf(status.conditions()),
        Optional.ofNullable(status).map(s -> s.message()));
  }
}
