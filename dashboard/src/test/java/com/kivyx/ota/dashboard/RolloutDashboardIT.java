package com.kivyx.ota.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.crds.AnalysisStatus;
import com.kivyx.ota.crds.Channel;
import com.kivyx.ota.crds.ChannelSpec;
import com.kivyx.ota.crds.ReleaseSpec;
import com.kivyx.ota.crds.Rollout;
import com.kivyx.ota.crds.RolloutSpec;
import com.kivyx.ota.crds.RolloutStatus;
import com.kivyx.ota.crds.testing.KubeApi;
import com.kivyx.ota.dashboard.catalog.StoreCatalog;
import com.kivyx.ota.dashboard.kube.KubeRolloutSource;
import com.kivyx.ota.dashboard.kube.RolloutActions;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.Config;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Rollout page and its buttons in headless Chromium against the real kube-apiserver of the
 * operator ITs (RBAC on). Each browser sends a ServiceAccount's token as a sign-in proxy would;
 * the PATCH is made with that token, so the API server's RBAC decides. The operator is not
 * running here: the Rollout's status is set as the operator would, and the test checks the
 * annotation each click writes (OperatorIT checks what the operator does with it).
 */
class RolloutDashboardIT {
  private static final String NS = "dash";
  @TempDir static Path dir;
  private static KubeApi kube;
  private static KubeRolloutSource source;
  private static DashboardServer dashboard;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    kube = new KubeApi();
    kube.client.resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    grant("releaser", List.of("get", "list", "watch", "patch"));
    grant("viewer", List.of("get", "list", "watch"));
    SampleStore sample = new SampleStore(dir);
    Channel channel = new Channel();
    channel.setMetadata(new ObjectMetaBuilder().withName("production").withNamespace(NS).build());
    channel.setSpec(new ChannelSpec(SampleStore.APP, null, List.of(ReleaseSpec.Platform.android),
        new ChannelSpec.SigningKey(new ChannelSpec.SecretKeyRef("ota-signing", null), null, null, null, null),
        new ChannelSpec.Store(null, sample.root.toString()), "1h"));
    kube.client.resource(channel).create();
    source = new KubeRolloutSource(kube.client, List.of(NS)).awaitSynced(60);
    dashboard = DashboardServer.start(new DashboardSettings("127.0.0.1", 0, "http://127.0.0.1:1"),
        new StoreCatalog(sample.store, sample.pinnedKeys(), Clock.systemUTC()), source,
        Optional.of(new RolloutActions(Config.fromKubeconfig(kube.kubeConfigYaml()), RolloutActions.Mode.TOKEN)));
    base = "http://127.0.0.1:" + dashboard.port();
  }

  @AfterAll
  static void stop() {
    if (dashboard != null) {
      dashboard.close();
    }
    if (source != null) {
      source.close();
    }
    if (kube != null) {
      kube.close();
    }
  }

  @Test
  void promoteAbortAndResumeAnnotateTheRolloutAsTheSignedInUser() throws Exception {
    paused("ro-promote", 1);
    kube.client.v1().events().inNamespace(NS).resource(new EventBuilder().withNewMetadata().withName("ro-promote.paused").endMetadata()
        .withNewInvolvedObject().withApiVersion("ota.kivyx.com/v1alpha1").withKind("Rollout").withName("ro-promote").withNamespace(NS).endInvolvedObject()
        .withType("Normal").withReason("Paused").withMessage("paused at step 2 until promoted").withLastTimestamp("2026-12-01T10:00:00Z").build()).create();
    try (Browser browser = signedInAs("releaser")) {
      browser.driver.get(base + "/namespaces/" + NS + "/rollouts/ro-promote");
      assertThat(browser.driver.findElement(By.xpath("//table[caption[contains(., 'Events')]]")).getText())
          .contains("2026-12-01T10:00:00Z", "Normal", "Paused", "paused at step 2 until promoted");
      assertThat(browser.driver.findElement(By.cssSelector(".steps li[aria-current=step]")).getText()).contains("2. pause until promoted");
      assertThat(browser.driver.findElement(By.id("resume")).isEnabled()).isFalse();
      browser.screenshot("rollout-paused");
      browser.driver.findElement(By.id("promote")).click();
      assertThat(result(browser).getText()).startsWith("Promoted: annotated ota.kivyx.com/promote=1");
      assertThat(annotations("ro-promote")).containsEntry(Rollout.PROMOTE_ANNOTATION, "1");

      browser.driver.findElement(By.id("abort")).click();
      browser.driver.switchTo().alert().accept(); // hx-confirm
      awaitText(browser, "Abort requested");
      assertThat(annotations("ro-promote")).containsEntry(Rollout.ABORT_ANNOTATION, "true");
      assertThat(rollout("ro-promote").getSpec().abort()).isFalse(); // the spec Git owns is untouched
      browser.screenshot("rollout-abort-requested");
    }
    halted("ro-halted", 2);
    try (Browser browser = signedInAs("releaser")) {
      browser.driver.get(base + "/namespaces/" + NS + "/rollouts/ro-halted");
      assertThat(browser.driver.findElement(By.id("promote")).isEnabled()).isFalse();
      browser.driver.findElement(By.id("resume")).click();
      assertThat(result(browser).getText()).startsWith("Resume requested: annotated ota.kivyx.com/resume=2");
      assertThat(annotations("ro-halted")).containsEntry(Rollout.RESUME_ANNOTATION, "2");
      browser.screenshot("rollout-halted-resumed");
    }
  }

  @Test
  void aUserWithoutPatchIsRefusedClearlyAndNothingChanges() throws Exception {
    paused("ro-viewer", 1);
    String before = rollout("ro-viewer").getMetadata().getResourceVersion();
    try (Browser browser = signedInAs("viewer")) {
      browser.driver.get(base + "/namespaces/" + NS + "/rollouts/ro-viewer");
      browser.driver.findElement(By.id("promote")).click();
      WebElement refusal = new WebDriverWait(browser.driver, Duration.ofSeconds(20))
          .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#action-result .problem")));
      assertThat(refusal.getText()).startsWith("Kubernetes refused:")
          .contains("system:serviceaccount:" + NS + ":viewer", "cannot patch", "'get' and 'patch' on rollouts.ota.kivyx.com in namespace dash", "Nothing was changed.");
      browser.screenshot("rollout-refused-403");
    }
    assertThat(rollout("ro-viewer").getMetadata().getResourceVersion()).isEqualTo(before);
    assertThat(annotations("ro-viewer")).doesNotContainKey(Rollout.PROMOTE_ANNOTATION);
  }

  @Test
  void withoutATokenNothingIsWrittenWithTheDashboardsOwnRights() throws Exception {
    paused("ro-anonymous", 1);
    String before = rollout("ro-anonymous").getMetadata().getResourceVersion();
    try (Browser browser = new Browser(true)) {
      browser.driver.get(base + "/namespaces/" + NS + "/rollouts/ro-anonymous");
      browser.driver.findElement(By.id("promote")).click();
      assertThat(new WebDriverWait(browser.driver, Duration.ofSeconds(20))
          .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#action-result .problem"))).getText()).startsWith("Not signed in");
    }
    assertThat(rollout("ro-anonymous").getMetadata().getResourceVersion()).isEqualTo(before);
  }

  @Test
  void theOverviewShowsTheRolloutOnItsChannel() throws Exception {
    paused("ro-overview", 1);
    try (Browser browser = new Browser(true)) {
      awaitCached("ro-overview", r -> r.getStatus() != null);
      browser.driver.get(base + "/");
      assertThat(browser.driver.findElement(By.tagName("main")).getText()).contains("Rollout ro-overview: Paused, step 2/3, 10%");
      browser.screenshot("overview-with-rollout");
    }
  }

  // ---------------------------------------------------------------- fixtures

  /** A ServiceAccount with a Role on rollouts only, and the token a sign-in proxy would pass on. */
  private static void grant(String name, List<String> verbs) {
    kube.client.resource(new ServiceAccountBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata().build()).create();
    kube.client.resource(new RoleBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .withRules(new PolicyRuleBuilder().withApiGroups("ota.kivyx.com").withResources("rollouts").withVerbs(verbs).build()).build()).create();
    kube.client.resource(new RoleBindingBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(name).endRoleRef()
        .addNewSubject().withKind("ServiceAccount").withName(name).withNamespace(NS).endSubject().build()).create();
  }

  private static String token(String serviceAccount) {
    return kube.client.serviceAccounts().inNamespace(NS).withName(serviceAccount)
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build()).getStatus().getToken();
  }

  /** A browser whose every request carries the user's bearer token, as oauth2-proxy in front would add it. */
  private static Browser signedInAs(String serviceAccount) {
    Browser browser = new Browser(true);
    browser.driver.executeCdpCommand("Network.enable", Map.of());
    browser.driver.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization", "Bearer " + token(serviceAccount))));
    return browser;
  }

  private static void paused(String name, int step) {
    create(name, new RolloutStatus(RolloutStatus.PAUSED, step, 10, "2026-12-01T10:00:00Z", "paused until promoted", 1L, List.of()));
  }

  private static void halted(String name, int run) {
    AnalysisStatus analysis = new AnalysisStatus(run, AnalysisStatus.HALT, "2026-12-01T10:00:00Z", "2026-12-01T10:05:00Z", 400L, 40L, "10.0%",
        "2.0% (baseline 1.0% x2)", 120.5, Map.of("crash", 40L), null, "sum(kivyx_ota_device_events)", "failed trials clearly above the limit", "weightZero");
    create(name, new RolloutStatus(RolloutStatus.HALTED, 0, 0, null, "halted by analysis run " + run, 1L, List.of(), analysis, null));
  }

  private static void create(String name, RolloutStatus status) {
    Rollout rollout = new Rollout();
    rollout.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    rollout.setSpec(new RolloutSpec("production", "app-v2", false, null,
        List.of(new RolloutSpec.Step(10, null), new RolloutSpec.Step(null, new RolloutSpec.Pause(null)), new RolloutSpec.Step(50, null)), false));
    Rollout created = kube.client.resource(rollout).create();
    created.setStatus(status);
    kube.client.resource(created).updateStatus();
    awaitCached(name, r -> r.getStatus() != null && status.phase().equals(r.getStatus().phase()));
  }

  /** The dashboard reads its informer's cache: wait until it has seen the status the test set. */
  private static void awaitCached(String name, Predicate<Rollout> seen) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (source.rollout(NS, name).isEmpty() || !seen.test(rollout(name)) || !source.rollout(NS, name).get().phase().equals(
        rollout(name).getStatus() == null ? "Pending" : rollout(name).getStatus().phase())) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the dashboard's informer never saw Rollout " + name);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static Rollout rollout(String name) {
    return kube.client.resources(Rollout.class).inNamespace(NS).withName(name).get();
  }

  private static Map<String, String> annotations(String name) {
    Map<String, String> annotations = rollout(name).getMetadata().getAnnotations();
    return annotations == null ? Map.of() : annotations;
  }

  private static WebElement result(Browser browser) {
    return new WebDriverWait(browser.driver, Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#action-result .ok")));
  }

  private static void awaitText(Browser browser, String text) {
    new WebDriverWait(browser.driver, Duration.ofSeconds(20)).until(ExpectedConditions.textToBePresentInElementLocated(By.id("action-result"), text));
  }
}
