package com.kivyx.ota.dashboard.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.crds.Crds;
import com.kivyx.ota.crds.Rollout;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Promote, Abort, Resume as Kubernetes PATCHes made with the clicking person's identity, so
 * RBAC, admission and the API server's audit log decide and record, not the dashboard. In
 * {@link Mode#TOKEN} each request brings its own bearer token; {@link Mode#OWN_IDENTITY} (local
 * use: {@code kivyx-ota dashboard} on a laptop) acts as the kubeconfig's user. In
 * {@link Mode#IMPERSONATE} a sign-in proxy names the person in headers; the dashboard's own
 * ServiceAccount asks a SubjectAccessReview for them and, only if allowed, acts with
 * {@code Impersonate-User}/{@code Impersonate-Group}, so the audit log names the person.
 */
public final class RolloutActions implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RolloutActions.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  public enum Mode { TOKEN, OWN_IDENTITY, IMPERSONATE }

  /** Names Kubernetes keeps for itself (service accounts, nodes, system:masters): never a person the proxy signed in. */
  private static final String RESERVED_PREFIX = "system:";

  private final Config base;
  private final Mode mode;
  private final ProxyHeaders proxyHeaders;
  /** One event loop for every per-request client (a client per click, not a Vert.x per click). */
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
  private final HttpClient.Factory http = new VertxHttpClientFactory(vertx);
  /** IMPERSONATE mode: SubjectAccessReviews made with the dashboard's own credentials. */
  private final Optional<AccessReview> review;

  /** @param base the API server's address and CA (its credentials are used only in OWN_IDENTITY mode) */
  public RolloutActions(Config base, Mode mode) {
    this(base, mode, ProxyHeaders.DEFAULT);
  }

  /** @param proxyHeaders where the sign-in proxy names the person (read in IMPERSONATE mode only) */
  public RolloutActions(Config base, Mode mode, ProxyHeaders proxyHeaders) {
    this.base = base;
    this.mode = mode;
    this.proxyHeaders = proxyHeaders;
    this.review = mode == Mode.IMPERSONATE
        ? Optional.of(new AccessReview(new KubernetesClientBuilder().withHttpClientFactory(http).withConfig(base).build()))
        : Optional.empty();
  }

  /**
   * Who is asking, from the request's headers as this mode reads them: the proxy's user headers
   * are trusted only in IMPERSONATE mode (elsewhere a client could set them itself).
   */
  public Identity identify(Function<String, List<String>> headers) {
    if (mode == Mode.IMPERSONATE) {
      return Identity.proxied(proxyHeaders.read(headers));
    }
    List<String> authorization = headers.apply("Authorization");
    return Identity.fromAuthorization(authorization.isEmpty() ? null : authorization.get(0));
  }

  public Mode mode() {
    return mode;
  }

  public ActionResult apply(RolloutAction action, String namespace, String name, Identity who) {
    if (mode == Mode.TOKEN && who.bearerToken().isEmpty()) {
      return ActionResult.refused(401, "Not signed in: this dashboard acts with your own Kubernetes identity and got no bearer token. "
          + "Reach it through the sign-in proxy that adds 'Authorization: Bearer …'. Nothing was changed.");
    }
    if (mode == Mode.IMPERSONATE) {
      Optional<ActionResult> refused = reviewImpersonation(action, namespace, name, who);
      if (refused.isPresent()) {
        return refused.get();
      }
    }
    try (KubernetesClient client = clientFor(who)) {
      var resource = client.resources(Rollout.class).inNamespace(namespace).withName(name);
      Rollout rollout = resource.get();
      if (rollout == null) {
        return ActionResult.refused(404, "Rollout " + namespace + "/" + name + " does not exist (any more). Nothing was changed.");
      }
      Optional<String> value = action.value(rollout);
      if (value.isEmpty()) {
        return ActionResult.refused(409, action.path() + " does not apply to Rollout " + name + " in phase "
            + (rollout.getStatus() == null ? "Pending" : rollout.getStatus().phase()) + ". Nothing was changed.");
      }
      String patch = JSON.writeValueAsString(Map.of("metadata", Map.of("annotations", Map.of(action.annotation(), value.get()))));
      resource.patch(PatchContext.of(PatchType.JSON_MERGE), patch);
      log.info("{} {}/{}: {}={}", action.path(), namespace, name, action.annotation(), value.get());
      return ActionResult.done(switch (action) {
        case PROMOTE -> "Promoted: annotated " + action.annotation() + "=" + value.get() + "; the operator moves past step " + (Integer.parseInt(value.get()) + 1) + ".";
        case ABORT -> "Abort requested: annotated " + action.annotation() + "=true; the operator takes the release out of the channel.";
        case RESUME -> "Resume requested: annotated " + action.annotation() + "=" + value.get() + "; the operator starts analysis run " + (Integer.parseInt(value.get()) + 1) + ".";
      });
    } catch (KubernetesClientException e) {
      return refusal(e, action, namespace, name);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ActionResult refusal(KubernetesClientException e, RolloutAction action, String namespace, String name) {
    String detail = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
    return switch (e.getCode()) {
      case 403 -> ActionResult.refused(403, "Kubernetes refused: " + detail + ". To " + action.path() + " you need 'get' and 'patch' on "
          + "rollouts.ota.kivyx.com in namespace " + namespace + " (a Role and RoleBinding for your user or group). Nothing was changed.");
      case 401 -> ActionResult.refused(401, "Kubernetes did not accept your token (" + detail + "); sign in again. Nothing was changed.");
      case 409, 422 -> ActionResult.refused(409, "Kubernetes refused the change to " + name + ": " + detail + ". Nothing was changed.");
      default -> ActionResult.refused(502, "The Kubernetes API server failed (" + e.getCode() + "): " + detail + ". Nothing was changed.");
    };
  }

  /** The refusal, or empty when the person named by the proxy may patch this Rollout. */
  private Optional<ActionResult> reviewImpersonation(RolloutAction action, String namespace, String name, Identity who) {
    if (who.proxied().isEmpty()) {
      return Optional.of(ActionResult.refused(401, "Not signed in: this dashboard acts as the person its sign-in proxy names in the "
          + proxyHeaders.userHeader() + " header, and the request had none (or more than one). Reach it through the sign-in proxy. Nothing was changed."));
    }
    ProxiedUser user = who.proxied().get();
    if (user.name().startsWith(RESERVED_PREFIX) || user.groups().stream().anyMatch(g -> g.startsWith(RESERVED_PREFIX))) {
      log.warn("refused {} of {}/{} for reserved identity {}", action.path(), namespace, name, user.describe());
      return Optional.of(ActionResult.refused(403, "Refused: " + user.describe() + " is a Kubernetes system identity (service account, node or "
          + "system group), not a person; the dashboard acts only for people. Use token mode for service accounts. Nothing was changed."));
    }
    AccessReview.Decision decision;
    try {
      decision = review.orElseThrow().check(user, "patch", Crds.GROUP, "rollouts", namespace, name);
    } catch (KubernetesClientException e) {
      log.warn("SubjectAccessReview for {} failed", user.describe(), e);
      return Optional.of(ActionResult.refused(502, "The dashboard could not ask Kubernetes whether " + user.describe() + " may " + action.path()
          + " (SubjectAccessReview failed, " + e.getCode() + ": " + e.getMessage() + "); its ServiceAccount needs 'create' on "
          + "subjectaccessreviews (Helm: dashboard.actions=impersonate). Nothing was changed."));
    }
    if (!decision.allowed()) {
      log.info("SubjectAccessReview denied {} patch on rollouts {}/{}: {}", user.describe(), namespace, name, decision.reason());
      return Optional.of(ActionResult.refused(403, "Kubernetes says " + user.describe() + " may not patch rollouts." + Crds.GROUP + " '" + name
          + "' in namespace " + namespace + (decision.reason().isBlank() ? "" : " (" + decision.reason() + ")") + ". To " + action.path()
          + " you need 'get' and 'patch' on rollouts." + Crds.GROUP + " there (a Role and RoleBinding for your user or group). Nothing was changed."));
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    review.ifPresent(AccessReview::close);
    vertx.close();
  }

  private KubernetesClient clientFor(Identity who) {
    if (mode == Mode.OWN_IDENTITY) {
      return new KubernetesClientBuilder().withHttpClientFactory(http).withConfig(base).build();
    }
    if (mode == Mode.IMPERSONATE) {
      // The dashboard's own credentials, acting as the person: the API server authorizes and audits them.
      ProxiedUser user = who.proxied().orElseThrow();
      Config as = new ConfigBuilder(base).withImpersonateUsername(user.name()).withImpersonateGroups(user.groups().toArray(String[]::new)).build();
      return new KubernetesClientBuilder().withHttpClientFactory(http).withConfig(as).build();
    }
    // Only the address and the CA of the base config: none of the dashboard's own credentials.
    Config user = new ConfigBuilder(Config.empty())
        .withMasterUrl(base.getMasterUrl())
        .withCaCertData(base.getCaCertData())
        .withCaCertFile(base.getCaCertFile())
        .withTrustCerts(base.isTrustCerts())
        .withOauthToken(who.bearerToken().orElseThrow())
        .withRequestTimeout(base.getRequestTimeout())
        .build();
    return new KubernetesClientBuilder().withHttpClientFactory(http).withConfig(user).build();
  }
}
