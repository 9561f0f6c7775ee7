package com.kivyx.ota.dashboard.web;

import com.kivyx.ota.dashboard.kube.ActionResult;
import com.kivyx.ota.dashboard.kube.RolloutEvent;
import com.kivyx.ota.dashboard.kube.RolloutView;
import java.util.List;
import java.util.Optional;

/**
 * A Rollout's step bar, guardrail verdict, events, buttons, and what the last click did.
 *
 * @param releasePages the release's page on each platform of its Channel (its funnel and charts, with this Rollout's steps)
 * @param csrfToken what the buttons' forms send back, so that only this dashboard's pages can click them
 */
public record RolloutPage(RolloutView rollout, List<RolloutEvent> events, boolean writable, Optional<ActionResult> result, List<ReleaseLink> releasePages,
    String csrfToken) {
  /** "android" → /apps/A/android/C/releases/R. */
  public record ReleaseLink(String platform, String href) {}
}
