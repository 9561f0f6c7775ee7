package com.kivyx.ota.dashboard.web;

import com.kivyx.ota.dashboard.catalog.ChannelState;
import com.kivyx.ota.publish.VerificationReport;
import java.util.Optional;

/** A channel's decoded signed index, and the Verify result once asked for. */
public record ChannelPage(ChannelState state, Optional<VerificationReport> report) {}
