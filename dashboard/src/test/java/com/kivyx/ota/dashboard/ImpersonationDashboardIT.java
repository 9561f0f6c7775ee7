package com.kivyx.ota.dashboard;

import com.kivyx.ota.testing.Eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.crds.Rollout;
import com.kivyx.ota.crds.RolloutSpec;
import com.kivyx.ota.crds.RolloutStatus;
import com.kivyx.ota.crds.testing.KubeApi;
import com.kivyx.ota.dashboard.catalog.StoreCatalog;
import com.kivyx.ota.dashboard.kube.KubeRolloutSource;
import com.kivyx.ota.dashboard.kube.RolloutActions;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --actions impersonate} on the real kube-apiserver (RBAC on): the dashboard runs as its
 * own ServiceAccount, which may read Rollouts, create SubjectAccessReviews and impersonate, but
 * not patch Rollouts. A sign-in proxy's headers name the person; only their own RBAC decides.
 */
class ImpersonationDashboardIT {
  private static final String NS = "imp";
  private static final String DASHBOARD_SA = "ota-dashboard";
  @TempDir static Path dir;
  private static KubeApi kube;
  private static KubeRolloutSource source;
  private static RolloutActions actions;
  private static DashboardServer dashboard;
  private static String base;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    kube = new KubeApi();
    kube.client.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    dashboardServiceAccount();
    role("releasers", List.of("get", "list", "watch", "patch"), "Group", "releasers");
    role("viewers", List.of("get", "list", "watch"), "User", "victor");
    role("patch-only", List.of("patch"), "User", "carol");
    SampleStore sample = new SampleStore(dir);
    Config admin = Config.fromKubeconfig(kube.kubeConfigYaml());
    // The dashboard's own identity: its ServiceAccount token, none of the admin's credentials.
    Config own = new ConfigBuilder(Config.empty()).withMasterUrl(admin.getMasterUrl()).withCaCertData(admin.getCaCertData())
        .withCaCertFile(admin.getCaCertFile()).withTrustCerts(admin.isTrustCerts())
        .withOauthToken(token(DASHBOARD_SA)).withRequestTimeout(admin.getRequestTimeout()).build();
    source = new KubeRolloutSource(kube.client, List.of(NS)).awaitSynced(60);
    actions = new RolloutActions(own, RolloutActions.Mode.IMPERSONATE);
    dashboard = DashboardServer.start(new DashboardSettings("127.0.0.1", 0, "http://127.0.0.1:1"),
        new StoreCatalog(sample.store, sample.pinnedKeys(), Clock.systemUTC()), source, Optional.of(actions));
    base = "http://127.0.0.1:" + dashboard.port();
  }

  @AfterAll
  static void stop() throws Exception {
    if (dashboard != null) {
      dashboard.close();
    }
    if (actions != null) {
      actions.close();
    }
    if (source != null) {
      source.close();
    }
    if (kube != null) {
      kube.close();
    }
  }

  @Test
  void aPersonAllowedByGroupPromotesAsThemselves() throws Exception {
    paused("ro-alice");
    assertThat(allowed("system:serviceaccount:" + NS + ":" + DASHBOARD_SA, List.of(), "patch"))
        .as("the dashboard's ServiceAccount alone cannot patch Rollouts").isFalse();
    HttpResponse<String> response = promote("ro-alice", Map.of("X-Forwarded-User", "alice", "X-Forwarded-Groups", "developers, releasers"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).contains("Promoted: annotated ota.kivyx.com/promote=1");
    assertThat(annotations("ro-alice")).containsEntry(Rollout.PROMOTE_ANNOTATION, "1");
  }

  @Test
  void aClickWithoutThePagesCsrfTokenIsRefusedAndNothingChanges() throws Exception {
    // alice may promote (previous test), and a proxy in front would add her name to any request her browser sends.
    paused("ro-forged");
    String before = rollout("ro-forged").getMetadata().getResourceVersion();
    Map<String, String> alice = Map.of("X-Forwarded-User", "alice", "X-Forwarded-Groups", "releasers");
    for (String form : List.of("", "csrf=", "csrf=" + "A".repeat(43))) {
      HttpResponse<String> forged = promote("ro-forged", alice, form);
      assertThat(forged.statusCode()).as(form + ": " + forged.body()).isEqualTo(403);
      assertThat(forged.body()).contains("CSRF token is missing or wrong", "Nothing was changed");
    }
    assertThat(rollout("ro-forged").getMetadata().getResourceVersion()).isEqualTo(before);
    assertThat(annotations("ro-forged")).doesNotContainKey(Rollout.PROMOTE_ANNOTATION);
    assertThat(promote("ro-forged", alice).statusCode()).as("the same click from the page").isEqualTo(200);
  }

  @Test
  void everyRequestIsMadeAsThePersonNotTheServiceAccount() throws Exception {
    // carol may patch (the review passes) but not get; the dashboard's ServiceAccount may get.
    // The refusal of the GET names carol: the API server saw carol, not the dashboard.
    paused("ro-carol");
    String before = rollout("ro-carol").getMetadata().getResourceVersion();
    HttpResponse<String> response = promote("ro-carol", Map.of("X-Forwarded-User", "carol"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
    assertThat(response.body()).contains("Kubernetes refused:", "User \"carol\" cannot get resource \"rollouts\"", "Nothing was changed.");
    assertThat(rollout("ro-carol").getMetadata().getResourceVersion()).isEqualTo(before);
  }

  @Test
  void aPersonWithoutPatchIsRefusedByTheReviewAndNothingChanges() throws Exception {
    paused("ro-victor");
    String before = rollout("ro-victor").getMetadata().getResourceVersion();
    HttpResponse<String> response = promote("ro-victor", Map.of("X-Forwarded-User", "victor", "X-Forwarded-Groups", "viewers"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
    assertThat(response.body()).contains("Kubernetes says 'victor' (groups: viewers) may not patch rollouts.ota.kivyx.com 'ro-victor' in namespace imp",
        "you need 'get' and 'patch'", "Nothing was changed.");
    assertThat(rollout("ro-victor").getMetadata().getResourceVersion()).isEqualTo(before);
    assertThat(annotations("ro-victor")).doesNotContainKey(Rollout.PROMOTE_ANNOTATION);
  }

  @Test
  void withoutTheUserHeaderNothingIsDoneEvenWithAToken() throws Exception {
    paused("ro-nobody");
    String before = rollout("ro-nobody").getMetadata().getResourceVersion();
    // a token that could patch is ignored in this mode: only the proxy's header names the person
    String releaserToken = releaserServiceAccountToken();
    HttpResponse<String> response = promote("ro-nobody", Map.of("Authorization", "Bearer " + releaserToken, "X-Forwarded-Groups", "releasers"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
    assertThat(response.body()).contains("Not signed in", "X-Forwarded-User header");
    assertThat(promote("ro-nobody", Map.of("X-Forwarded-User", "  ")).statusCode()).as("a blank name").isEqualTo(401);
    assertThat(rollout("ro-nobody").getMetadata().getResourceVersion()).isEqualTo(before);
  }

  @Test
  void systemIdentitiesInTheHeadersGainNothing() throws Exception {
    paused("ro-system");
    String before = rollout("ro-system").getMetadata().getResourceVersion();
    HttpResponse<String> asDashboard = promote("ro-system", Map.of("X-Forwarded-User", "system:serviceaccount:" + NS + ":" + DASHBOARD_SA));
    assertThat(asDashboard.statusCode()).as(asDashboard.body()).isEqualTo(403);
    assertThat(asDashboard.body()).contains("is a Kubernetes system identity", "Nothing was changed.");
    HttpResponse<String> asMasters = promote("ro-system", Map.of("X-Forwarded-User", "mallory", "X-Forwarded-Groups", "system:masters"));
    assertThat(asMasters.statusCode()).as(asMasters.body()).isEqualTo(403);
    assertThat(asMasters.body()).contains("is a Kubernetes system identity");
    assertThat(allowed("mallory", List.of("system:masters"), "patch")).as("system:masters could, had the dashboard asked for it").isTrue();
    HttpResponse<String> mallory = promote("ro-system", Map.of("X-Forwarded-User", "mallory"));
    assertThat(mallory.statusCode()).as("mallory as herself: " + mallory.body()).isEqualTo(403);
    assertThat(rollout("ro-system").getMetadata().getResourceVersion()).isEqualTo(before);
  }

  // ---------------------------------------------------------------- fixtures

  /** Read Rollouts, create SubjectAccessReviews, impersonate users and groups: what Helm grants with dashboard.actions=impersonate. */
  private static void dashboardServiceAccount() {
    kube.client.resource(new ServiceAccountBuilder().withNewMetadata().withName(DASHBOARD_SA).withNamespace(NS).endMetadata().build()).create();
    List<PolicyRule> rules = List.of(
        new PolicyRuleBuilder().withApiGroups("ota.kivyx.com").withResources("rollouts", "channels").withVerbs("get", "list", "watch").build(),
        new PolicyRuleBuilder().withApiGroups("authorization.k8s.io").withResources("subjectaccessreviews").withVerbs("create").build(),
        new PolicyRuleBuilder().withApiGroups("").withResources("users", "groups").withVerbs("impersonate").build());
    kube.client.resource(new ClusterRoleBuilder().withNewMetadata().withName(DASHBOARD_SA).endMetadata().withRules(rules).build()).create();
    kube.client.resource(new ClusterRoleBindingBuilder().withNewMetadata().withName(DASHBOARD_SA).endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName(DASHBOARD_SA).endRoleRef()
        .addNewSubject().withKind("ServiceAccount").withName(DASHBOARD_SA).withNamespace(NS).endSubject().build()).create();
  }

  private static void role(String name, List<String> verbs, String subjectKind, String subject) {
    kube.client.resource(new RoleBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .withRules(new PolicyRuleBuilder().withApiGroups("ota.kivyx.com").withResources("rollouts").withVerbs(verbs).build()).build()).create();
    kube.client.resource(new RoleBindingBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(name).endRoleRef()
        .addNewSubject().withKind(subjectKind).withName(subject).withApiGroup("rbac.authorization.k8s.io").endSubject().build()).create();
  }

  private static String releaserServiceAccountToken() {
    kube.client.resource(new ServiceAccountBuilder().withNewMetadata().withName("releaser").withNamespace(NS).endMetadata().build()).createOr(r -> r.update());
    kube.client.resource(new RoleBindingBuilder().withNewMetadata().withName("releaser-sa").withNamespace(NS).endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName("releasers").endRoleRef()
        .addNewSubject().withKind("ServiceAccount").withName("releaser").withNamespace(NS).endSubject().build()).createOr(r -> r.update());
    return token("releaser");
  }

  private static String token(String serviceAccount) {
    return kube.client.serviceAccounts().inNamespace(NS).withName(serviceAccount)
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build()).getStatus().getToken();
  }

  private static boolean allowed(String user, List<String> groups, String verb) {
    return kube.client.authorization().v1().subjectAccessReview().create(new SubjectAccessReviewBuilder().withNewSpec().withUser(user).withGroups(groups)
        .withNewResourceAttributes().withVerb(verb).withGroup("ota.kivyx.com").withResource("rollouts").withNamespace(NS).endResourceAttributes()
        .endSpec().build()).getStatus().getAllowed();
  }

  /** Clicks Promote as the page's form does: with the CSRF token of the Rollout's page. */
  private HttpResponse<String> promote(String rollout, Map<String, String> headers) throws Exception {
    String page = http.send(HttpRequest.newBuilder(URI.create(base + "/namespaces/" + NS + "/rollouts/" + rollout)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return promote(rollout, headers, "csrf=" + ChannelWritesTest.csrf(page));
  }

  private HttpResponse<String> promote(String rollout, Map<String, String> headers, String form) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/namespaces/" + NS + "/rollouts/" + rollout + "/promote"))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void paused(String name) {
    Rollout rollout = new Rollout();
    rollout.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    rollout.setSpec(new RolloutSpec("production", "app-v2", false, null,
        List.of(new RolloutSpec.Step(10, null), new RolloutSpec.Step(null, new RolloutSpec.Pause(null)), new RolloutSpec.Step(50, null)), false));
    Rollout created = kube.client.resource(rollout).create();
    created.setStatus(new RolloutStatus(RolloutStatus.PAUSED, 1, 10, "2026-12-01T10:00:00Z", "paused until promoted", 1L, List.of()));
    kube.client.resource(created).updateStatus();
    Eventually.await("the dashboard's informer sees Rollout " + name + " paused", Duration.ofSeconds(30),
        () -> source.rollout(NS, name).map(v -> RolloutStatus.PAUSED.equals(v.phase())).orElse(false));
  }

  private static Rollout rollout(String name) {
    return kube.client.resources(Rollout.class).inNamespace(NS).withName(name).get();
  }

  private static Map<String, String> annotations(String name) {
    Map<String, String> annotations = rollout(name).getMetadata().getAnnotations();
    return annotations == null ? Map.of() : annotations;
  }
}
