package com.kivyx.ota.dashboard.web;

import com.kivyx.ota.dashboard.catalog.ChannelState;
import com.kivyx.ota.publish.VerificationReport;
import java.util.Optional;

/** A channel's decoded signed index, the Verify result once asked for, and its Channel resources' conditions (Kubernetes). */
public record ChannelPage(ChannelState state, Optional<VerificationReport> report, java.util.List<com.kivyx.ota.dashboard.kube.ChannelResource> resources) {}
