package com.kivyx.ota.dashboard.web;

import com.kivyx.ota.dashboard.kube.ActionResult;
import com.kivyx.ota.dashboard.kube.RolloutAction;
import com.kivyx.ota.dashboard.kube.RolloutActions;
import com.kivyx.ota.dashboard.kube.RolloutSource;
import com.kivyx.ota.dashboard.kube.RolloutView;
import io.vertx.ext.web.RoutingContext;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.Platform;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /namespaces/N/rollouts/R} and the buttons' {@code POST …/promote|abort|resume}. The
 * POST answers with the page and the result (htmx swaps the result and buttons in; without
 * JavaScript the whole page comes back); a refusal keeps its status (403, 401, 409). A POST
 * without the form's CSRF token is refused before anything is asked of Kubernetes: a proxy in
 * front adds the person's credentials to whatever their browser sends.
 */
public final class RolloutHandler {
  private final RolloutSource rollouts;
  private final Optional<RolloutActions> actions;
  private final CsrfToken csrf;
  private final Pages pages;

  public RolloutHandler(RolloutSource rollouts, Optional<RolloutActions> actions, CsrfToken csrf, Pages pages) {
    this.rollouts = rollouts;
    this.actions = actions;
    this.csrf = csrf;
    this.pages = pages;
  }

  public void show(RoutingContext ctx) {
    render(ctx, 200, Optional.empty());
  }

  public void act(RoutingContext ctx) {
    Optional<RolloutAction> action = RolloutAction.ofPath(ctx.pathParam("action"));
    if (action.isEmpty()) {
      pages.error(ctx, 404, "No such action", "A Rollout has the actions promote, abort and resume.");
      return;
    }
    if (actions.isEmpty()) {
      pages.error(ctx, 403, "Read-only dashboard", "This dashboard was started without Kubernetes writes. Nothing was changed.");
      return;
    }
    if (!csrf.matches(ctx.request().getFormAttribute(CsrfToken.FIELD))) {
      pages.error(ctx, 403, "Refused", "This click did not come from a page of this dashboard (its CSRF token is missing or wrong). "
          + "Nothing was changed; reload the Rollout's page and use its buttons.");
      return;
    }
    ActionResult result = actions.get().apply(action.get(), ctx.pathParam("namespace"), ctx.pathParam("name"),
        actions.get().identify(ctx.request().headers()::getAll));
    render(ctx, result.status(), Optional.of(result));
  }

  /** The platforms whose channel this Rollout's Channel resource makes. */
  private List<RolloutPage.ReleaseLink> releasePages(RolloutView view) {
    if (view.appId().isEmpty() || view.channelName().isEmpty()) {
      return List.of();
    }
    return Arrays.stream(Platform.values())
        .map(p -> new ChannelId(view.appId().get(), p, view.channelName().get()))
        .filter(id -> rollouts.channels(id).stream().anyMatch(c -> c.namespace().equals(view.namespace()) && c.name().equals(view.channelResource())))
        .map(id -> new RolloutPage.ReleaseLink(id.platform().id(), Links.release(id, view.release())))
        .toList();
  }

  private void render(RoutingContext ctx, int status, Optional<ActionResult> result) {
    String namespace = ctx.pathParam("namespace");
    String name = ctx.pathParam("name");
    Optional<RolloutView> view = rollouts.rollout(namespace, name);
    if (view.isEmpty()) {
      pages.error(ctx, 404, "No such Rollout",
          rollouts.enabled() ? "No Rollout " + namespace + "/" + name + " is visible to the dashboard." : "This dashboard reads a store, not Kubernetes: it has no Rollouts.");
      return;
    }
    pages.send(ctx, status, "rollout.jte", new RolloutPage(view.get(), rollouts.events(namespace, name), actions.isPresent(), result, releasePages(view.get()), csrf.value()));
  }
}
