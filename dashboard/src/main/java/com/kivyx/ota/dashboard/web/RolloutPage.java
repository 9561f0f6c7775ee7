package com.kivyx.ota.dashboard.web;

import com.kivyx.ota.dashboard.kube.ActionResult;
import com.kivyx.ota.dashboard.kube.RolloutEvent;
import com.kivyx.ota.dashboard.kube.RolloutView;
import java.util.List;
import java.util.Optional;

/** A Rollout's step bar, guardrail verdict, events, buttons, and what the last click did. */
public record RolloutPage(RolloutView rollout, List<RolloutEvent> events, boolean writable, Optional<ActionResult> result) {}
