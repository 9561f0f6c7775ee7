package com.kivyx.ota.dashboard.web;

import com.kivyx.ota.dashboard.catalog.ChannelState;
import com.kivyx.ota.dashboard.explain.DeviceForm;
import com.kivyx.ota.dashboard.explain.Explanation;
import java.util.Optional;

/** The "why not this device?" form, and its explanation with the curl that reproduces it. */
public record ExplainPage(ChannelState state, DeviceForm form, Optional<Explanation> explanation, Optional<String> error, Optional<String> curl) {}
