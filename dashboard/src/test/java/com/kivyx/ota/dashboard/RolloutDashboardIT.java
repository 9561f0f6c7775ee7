package com.kivyx.ota.dashboard;

import com.kivyx.ota.testing.Eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.crds.AnalysisStatus;
import com.kivyx.ota.crds.Channel;
import com.kivyx.ota.crds.ChannelSpec;
import com.kivyx.ota.crds.FileSourceSpec;
import com.kivyx.ota.crds.Release;
import com.kivyx.ota.crds.ReleaseSpec;
import com.kivyx.ota.operator.KivyxOperator;
import com.kivyx.ota.operator.OperatorSettings;
import com.kivyx.ota.operator.testing.OperatorTestbed;
import com.kivyx.ota.store.Sha256;
import com.kivyx.ota.testing.S3TestServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.Set;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import com.kivyx.ota.crds.Rollout;
import com.kivyx.ota.crds.RolloutSpec;
import com.kivyx.ota.crds.RolloutStatus;
import com.kivyx.ota.crds.testing.KubeApi;
import com.kivyx.ota.dashboard.catalog.StoreCatalog;
import com.kivyx.ota.dashboard.kube.KubeRolloutSource;
import com.kivyx.ota.dashboard.kube.RolloutActions;
import io.fabric8.kubernetes.api.model.EventBuilder;
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
  /** Where the real operator runs (the other tests set statuses by hand in NS, which it does not watch). */
  private static final String LIVE = "dash-live";
  @TempDir static Path dir;
  private static OperatorTestbed testbed;
  private static KubeApi kube;
  private static KivyxOperator operator;
  private static KubernetesClient operatorClient;
  private static KubeRolloutSource source;
  private static DashboardServer dashboard;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    testbed = new OperatorTestbed(dir);
    kube = testbed.kube;
    testbed.namespace(NS);
    testbed.namespace(LIVE);
    testbed.secrets(LIVE);
    grant(NS, "releaser", List.of("get", "list", "watch", "patch"));
    grant(NS, "viewer", List.of("get", "list", "watch"));
    grant(LIVE, "releaser", List.of("get", "list", "watch", "patch"));
    SampleStore sample = new SampleStore(dir);
    Channel channel = new Channel();
    channel.setMetadata(new ObjectMetaBuilder().withName("production").withNamespace(NS).build());
    channel.setSpec(new ChannelSpec(SampleStore.APP, null, List.of(ReleaseSpec.Platform.android),
        new ChannelSpec.SigningKey(new ChannelSpec.SecretKeyRef("ota-signing", null), null, null, null, null),
        new ChannelSpec.Store(null, sample.root.toString()), "1h"));
    kube.client.resource(channel).create();
    liveChannel();
    operatorClient = new KubernetesClientBuilder().withConfig(kube.client.getConfiguration()).build();
    operator = new KivyxOperator(operatorClient, new OperatorSettings(Optional.empty(), 0, dir.resolve("operator-work"), true, Set.of(LIVE)),
        Map.of("AWS_REGION", "us-east-1"), Clock.systemUTC());
    operator.start();
    source = new KubeRolloutSource(kube.client, List.of(NS, LIVE)).awaitSynced(60);
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
    if (operator != null) {
      operator.close();
    }
    if (operatorClient != null) {
      operatorClient.close();
    }
    if (testbed != null) {
      try {
        testbed.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
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
      new WebDriverWait(browser.driver, Duration.ofSeconds(10)).until(ExpectedConditions.alertIsPresent()).accept(); // hx-confirm
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
  void promoteThenAbortMoveTheRealOperator() throws Exception {
    Rollout rollout = new Rollout();
    rollout.setMetadata(new ObjectMetaBuilder().withName("ro-live").withNamespace(LIVE).build());
    rollout.setSpec(new RolloutSpec("production", "app-v1", false, null, List.of(new RolloutSpec.Step(10, null),
        new RolloutSpec.Step(null, new RolloutSpec.Pause(null)), new RolloutSpec.Step(20, null), new RolloutSpec.Step(null, new RolloutSpec.Pause(null))), false));
    kube.client.resource(rollout).create();
    awaitOperator("ro-live", s -> RolloutStatus.PAUSED.equals(s.phase()) && Integer.valueOf(1).equals(s.currentStep()));
    try (Browser browser = signedInAs(LIVE, "releaser")) {
      String page = base + "/namespaces/" + LIVE + "/rollouts/ro-live";
      awaitPage(browser, page, "Paused");
      browser.driver.findElement(By.id("promote")).click();
      assertThat(result(browser).getText()).startsWith("Promoted: annotated ota.kivyx.com/promote=1");
      // the operator passes the pause, sets 20%, and stops at the next pause
      awaitOperator("ro-live", s -> RolloutStatus.PAUSED.equals(s.phase()) && Integer.valueOf(3).equals(s.currentStep()) && Integer.valueOf(20).equals(s.currentWeight()));
      awaitPage(browser, page, "weight 20%");
      assertThat(browser.driver.findElement(By.cssSelector(".steps li[aria-current=step]")).getText()).contains("4. pause until promoted");
      assertThat(browser.driver.findElements(By.xpath("//table[caption[contains(., 'Events')]]//tbody/tr"))).as("the operator's Events").isNotEmpty();
      browser.screenshot("rollout-live-promoted");
      // the release's devices section is one link away, on each platform of the Channel (android only here)
      List<WebElement> releaseLinks = browser.driver.findElements(By.cssSelector("#release-charts a"));
      assertThat(releaseLinks).extracting(WebElement::getText).containsExactly("app-v1 on android");
      assertThat(releaseLinks.get(0).getAttribute("href")).endsWith("/apps/com.kivyx.test/android/production/releases/app-v1#devices");

      browser.driver.findElement(By.id("abort")).click();
      new WebDriverWait(browser.driver, Duration.ofSeconds(10)).until(ExpectedConditions.alertIsPresent()).accept(); // hx-confirm
      awaitText(browser, "Abort requested");
      awaitOperator("ro-live", s -> RolloutStatus.ABORTED.equals(s.phase()));
      assertThat(rollout("ro-live", LIVE).getSpec().abort()).as("GitOps-owned spec untouched").isFalse();
      awaitPage(browser, page, "Aborted");
      assertThat(browser.driver.findElement(By.id("abort")).isEnabled()).isFalse();
      browser.screenshot("rollout-live-aborted");

      // the channel page shows the Channel resource's conditions as the operator set them
      browser.driver.get(base + "/apps/com.kivyx.test/android/production");
      String conditions = browser.driver.findElement(By.xpath("//table[caption[contains(., 'Conditions')]]")).getText();
      assertThat(conditions).contains("Ready");
      assertThat(browser.driver.findElement(By.tagName("main")).getText()).contains("Kubernetes Channel " + LIVE + "/production");
      browser.screenshot("channel-with-conditions");
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
  private static void grant(String ns, String name, List<String> verbs) {
    kube.client.resource(new ServiceAccountBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().build()).create();
    kube.client.resource(new RoleBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withRules(new PolicyRuleBuilder().withApiGroups("ota.kivyx.com").withResources("rollouts").withVerbs(verbs).build()).build()).create();
    kube.client.resource(new RoleBindingBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(name).endRoleRef()
        .addNewSubject().withKind("ServiceAccount").withName(name).withNamespace(ns).endSubject().build()).create();
  }

  private static String token(String ns, String serviceAccount) {
    return kube.client.serviceAccounts().inNamespace(ns).withName(serviceAccount)
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build()).getStatus().getToken();
  }

  private static Browser signedInAs(String serviceAccount) {
    return signedInAs(NS, serviceAccount);
  }

  /** A browser whose every request carries the user's bearer token, as oauth2-proxy in front would add it. */
  private static Browser signedInAs(String ns, String serviceAccount) {
    Browser browser = new Browser(true);
    browser.driver.executeCdpCommand("Network.enable", Map.of());
    browser.driver.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization", "Bearer " + token(ns, serviceAccount))));
    return browser;
  }

  /** A Channel on the testbed's S3 server and a Release of a bundle uploaded there, for the real operator. */
  private static void liveChannel() {
    Channel channel = new Channel();
    channel.setMetadata(new ObjectMetaBuilder().withName("production").withNamespace(LIVE).build());
    channel.setSpec(new ChannelSpec(SampleStore.APP, null, List.of(ReleaseSpec.Platform.android),
        new ChannelSpec.SigningKey(new ChannelSpec.SecretKeyRef(OperatorTestbed.SIGNING_SECRET, null), null, null, null, null),
        new ChannelSpec.Store(new ChannelSpec.S3(S3TestServer.BUCKET, LIVE + "/ota", "us-east-1", testbed.s3.endpoint().toString(), true,
            OperatorTestbed.S3_SECRET), null), "1h"));
    kube.client.resource(channel).create();
    byte[] bundle = SampleStore.bundle(1).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    String key = LIVE + "/ci/app-v1.js";
    try (S3Client client = testbed.s3.client(S3TestServer.SECRET_KEY)) {
      client.putObject(b -> b.bucket(S3TestServer.BUCKET).key(key), RequestBody.fromBytes(bundle));
    }
    Release release = new Release();
    release.setMetadata(new ObjectMetaBuilder().withName("app-v1").withNamespace(LIVE).build());
    release.setSpec(new ReleaseSpec("production", SampleStore.APP, ReleaseSpec.Platform.android, "1.0.1", 1L, "1.0.0",
        new FileSourceSpec("index.android.bundle", "s3://" + S3TestServer.BUCKET + "/" + key, Sha256.hex(bundle), (long) bundle.length, null),
        List.of(), "notes"));
    kube.client.resource(release).create();
  }

  private static void awaitOperator(String name, Predicate<RolloutStatus> state) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (true) {
      Rollout r = rollout(name, LIVE);
      if (r != null && r.getStatus() != null && state.test(r.getStatus())) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the operator never brought Rollout " + name + " there; status " + (r == null ? null : r.getStatus()));
      }
      sleep();
    }
  }

  /** Reloads until the page (from the informer's cache) shows the operator's new state. */
  private static void awaitPage(Browser browser, String url, String text) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      browser.driver.get(url);
      if (browser.driver.findElement(By.id("rollout-live")).getText().contains(text)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the Rollout page never showed '" + text + "'");
      }
      sleep();
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
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
    Eventually.await("the dashboard's informer sees Rollout " + name, Duration.ofSeconds(30),
        () -> source.rollout(NS, name).isPresent() && seen.test(rollout(name)) && source.rollout(NS, name).get().phase().equals(
            rollout(name).getStatus() == null ? "Pending" : rollout(name).getStatus().phase()));
  }

  private static Rollout rollout(String name) {
    return rollout(name, NS);
  }

  private static Rollout rollout(String name, String ns) {
    return kube.client.resources(Rollout.class).inNamespace(ns).withName(name).get();
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
