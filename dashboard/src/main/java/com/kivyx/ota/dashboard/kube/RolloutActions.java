package com.kivyx.ota.dashboard.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Promote, Abort, Resume as Kubernetes PATCHes made with the clicking person's identity, so
 * RBAC, admission and the API server's audit log decide and record, not the dashboard. In
 * {@link Mode#TOKEN} each request brings its own bearer token; {@link Mode#OWN_IDENTITY} (local
 * use: {@code kivyx-ota dashboard} on a laptop) acts as the kubeconfig's user.
 */
public final class RolloutActions implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RolloutActions.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  public enum Mode { TOKEN, OWN_IDENTITY }

  private final Config base;
  private final Mode mode;
  /** One event loop for every per-request client (a client per click, not a Vert.x per click). */
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
  private final HttpClient.Factory http = new VertxHttpClientFactory(vertx);

  /** @param base the API server's address and CA (its credentials are used only in OWN_IDENTITY mode) */
  public RolloutActions(Config base, Mode mode) {
    this.base = base;
    this.mode = mode;
  }

  public Mode mode() {
    return mode;
  }

  public ActionResult apply(RolloutAction action, String namespace, String name, Identity who) {
    if (mode == Mode.TOKEN && who.bearerToken().isEmpty()) {
      return ActionResult.refused(401, "Not signed in: this dashboard acts with your own Kubernetes identity and got no bearer token. "
          + "Reach it through the sign-in proxy that adds 'Authorization: Bearer …'. Nothing was changed.");
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

  @Override
  public void close() {
    vertx.close();
  }

  private KubernetesClient clientFor(Identity who) {
    if (mode == Mode.OWN_IDENTITY) {
      return new KubernetesClientBuilder().withHttpClientFactory(http).withConfig(base).build();
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
