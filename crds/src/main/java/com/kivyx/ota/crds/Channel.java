package com.kivyx.ota.crds;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A release channel of an app, with its store, signing key and signed index. */
@Group(Crds.GROUP)
@Version(Crds.VERSION)
@ShortNames("otach")
@AdditionalPrinterColumn(name = "App", jsonPath = ".spec.appId", type = Type.STRING)
@AdditionalPrinterColumn(name = "Channel", jsonPath = ".spec.channel", type = Type.STRING)
@AdditionalPrinterColumn(name = "Index", jsonPath = ".status.platforms[*].indexVersion", type = Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public final class Channel extends CustomResource<ChannelSpec, ChannelStatus> implements Namespaced {
  private static final long serialVersionUID = 1L;

  /** The channel name devices ask for. */
  public String channelName() {
    return getSpec().channel() != null ? getSpec().channel() : getMetadata().getName();
  }
}
