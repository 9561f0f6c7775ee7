package com.kivyx.ota.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.dashboard.catalog.StoreCatalog;
import com.kivyx.ota.dashboard.kube.RolloutSource;
import com.kivyx.ota.rollout.Buckets;
import com.kivyx.ota.server.ManifestServer;
import com.kivyx.ota.store.StoreLayout;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Every store page in headless Chromium against a real published store, next to the real device
 * server on the same store: the explainer's answer must be the server's {@code /update} answer,
 * fetched with the very URL of the curl line the page prints.
 */
class DashboardBrowserIT {
  @TempDir static Path dir;
  private static SampleStore sample;
  private static ManifestServer devices;
  private static DashboardServer dashboard;
  private static Browser browser;
  private static String base;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    sample = new SampleStore(dir);
    Clock clock = Clock.systemUTC();
    devices = sample.deviceServer(clock);
    dashboard = DashboardServer.start(new DashboardSettings("127.0.0.1", 0, "http://127.0.0.1:" + devices.port()),
        new StoreCatalog(sample.store, sample.pinnedKeys(), clock), RolloutSource.none(), Optional.empty());
    base = "http://127.0.0.1:" + dashboard.port();
    browser = new Browser(true);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (dashboard != null) {
      dashboard.close();
    }
    if (devices != null) {
      devices.close();
    }
  }

  @Test
  void overviewLinksToTheChannelAndIsKeyboardReachable() throws Exception {
    browser.driver.get(base + "/");
    assertThat(browser.driver.getTitle()).isEqualTo("Overview · Kivyx OTA");
    assertThat(browser.driver.findElement(By.cssSelector("table.grid")).getText()).contains("r2", "r3", "50%", "dash-v1", "no index");
    browser.screenshot("overview");
    // keyboard: the first Tab lands on the skip link, Enter moves focus to the content
    browser.driver.findElement(By.tagName("body")).sendKeys(Keys.TAB);
    assertThat(browser.driver.switchTo().activeElement().getText()).isEqualTo("Skip to content");
    browser.driver.findElement(By.linkText("production on android")).click();
    assertThat(browser.driver.getCurrentUrl()).endsWith("/apps/com.kivyx.test/android/production");
  }

  @Test
  void verifyButtonSwapsInTheResultAndNamesTheProblem() throws Exception {
    browser.driver.get(base + "/apps/com.kivyx.test/android/production");
    browser.driver.findElement(By.id("verify")).click();
    WebElement result = waitFor(By.cssSelector("#verify-result .ok"));
    assertThat(result.getText()).startsWith("OK: index version 3").contains("2 release(s)");
    assertThat(browser.driver.getCurrentUrl()).endsWith("/production"); // htmx: no navigation
    browser.screenshot("channel-verified");

    Path manifestOfR3 = sample.root.resolve(sample.store.list("apps/").stream()
        .filter(k -> k.contains("/blobs/")).filter(k -> {
          try {
            return new String(Files.readAllBytes(sample.root.resolve(k)), java.nio.charset.StandardCharsets.ISO_8859_1).contains("release r3");
          } catch (Exception e) {
            return false;
          }
        }).findFirst().orElseThrow());
    byte[] original = Files.readAllBytes(manifestOfR3);
    try {
      Files.delete(manifestOfR3);
      browser.driver.findElement(By.id("verify")).click();
      WebElement problems = waitFor(By.cssSelector("#verify-result .problems"));
      assertThat(problems.getText()).contains("release r3 manifest: missing at " + StoreLayout.blob(SampleStore.APP, manifestOfR3.getFileName().toString()));
      browser.screenshot("channel-verify-problem");
    } finally {
      Files.write(manifestOfR3, original);
    }
  }

  @Test
  void releasePageShowsDeltaAndSaving() throws Exception {
    browser.driver.get(base + "/apps/com.kivyx.test/android/production/releases/r2");
    String deltas = browser.driver.findElement(By.xpath("//table[caption[contains(., 'Deltas')]]")).getText();
    assertThat(deltas).contains("r1", "kvxd1").containsPattern("[0-9]{2}\\.[0-9]%");
    browser.screenshot("release");
  }

  @Test
  void explainerAgreesWithTheRealServerForEveryKindOfDevice() throws Exception {
    String beta = "tier=beta";
    String inside = deviceInR3(true);
    String outside = deviceInR3(false);
    List<String[]> devicesToTry = List.of(
        new String[] {"dev-a", "1.0.0", "", ""},       // embedded bundle: gets r2
        new String[] {"dev-a", "1.0.0", "r2", ""},     // already on r2: nothing
        new String[] {"dev-b", "1.0.0", "r1", ""},     // old release: r2
        new String[] {inside, "2.0.0", "", beta},      // in r3's 50% and targeted: r3
        new String[] {outside, "2.0.0", "", beta},     // outside the 50%: nothing
        new String[] {inside, "2.0.0", "r3", ""},      // not targeted any more, on r3: back to embedded
        new String[] {"dev-c", "9.9.9", "", ""});      // a runtime nothing is built for
    int n = 0;
    for (String[] d : devicesToTry) {
      browser.driver.get(base + "/apps/com.kivyx.test/android/production/explain");
      type("deviceId", d[0]);
      type("runtimeVersion", d[1]);
      type("currentReleaseId", d[2]);
      type("attributes", d[3]);
      browser.driver.findElement(By.id("explain")).click();
      WebElement decision = waitFor(By.id("decision"));
      String curl = browser.driver.findElement(By.id("curl")).getText();
      assertThat(curl).startsWith("curl -s 'http://127.0.0.1:" + devices.port() + "/v1/apps/").endsWith("'");
      String url = curl.substring("curl -s '".length(), curl.length() - 1);
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(url).isEqualTo(200);
      JsonNode server = new ObjectMapper().readTree(answer.body());
      assertThat(decision.getAttribute("data-kind")).as(url).isEqualTo(server.get("decision").asText());
      assertThat(decision.getAttribute("data-release")).as(url).isEqualTo(server.path("releaseId").asText(""));
      assertThat(decision.getAttribute("data-mandatory")).as(url).isEqualTo(server.get("mandatory").asText());
      if (n++ == 4) {
        browser.screenshot("explain-outside-weight");
      }
    }
    // the cases above must cover every answer kind, or the comparison proves less than it claims
    browser.driver.get(base + "/apps/com.kivyx.test/android/production/explain?deviceId=" + inside + "&runtimeVersion=2.0.0&attributes=tier%3Dbeta");
    assertThat(waitFor(By.id("decision")).getAttribute("data-release")).isEqualTo("r3");
    browser.screenshot("explain-update");
  }

  @Test
  void formsAreLabelledAndButtonsWorkFromTheKeyboard() throws Exception {
    browser.driver.get(base + "/apps/com.kivyx.test/android/production/explain");
    List<WebElement> fields = browser.driver.findElements(By.cssSelector("main input, main textarea"));
    assertThat(fields).hasSize(6);
    for (WebElement field : fields) {
      String id = field.getAttribute("id");
      assertThat(browser.driver.findElements(By.cssSelector("label[for='" + id + "']"))).as("label for " + id).hasSize(1);
    }
    assertThat(browser.driver.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
    // Verify from the keyboard: focus it and press Enter, as a keyboard user would after tabbing there
    browser.driver.get(base + "/apps/com.kivyx.test/android/production");
    browser.driver.findElement(By.id("verify")).sendKeys(Keys.ENTER);
    assertThat(waitFor(By.cssSelector("#verify-result .ok")).getText()).startsWith("OK:");
    assertThat(browser.driver.findElement(By.id("verify-result")).getAttribute("aria-live")).isEqualTo("polite");
  }

  @Test
  void pagesReadAndVerifyWithoutJavaScript() throws Exception {
    try (Browser noScript = new Browser(false)) {
      noScript.driver.get(base + "/apps/com.kivyx.test/android/production");
      assertThat(noScript.driver.findElement(By.tagName("table")).getText()).contains("r2", "r3");
      noScript.driver.findElement(By.id("verify")).click();
      new WebDriverWait(noScript.driver, Duration.ofSeconds(20)).until(ExpectedConditions.urlContains("/verify"));
      assertThat(noScript.driver.findElement(By.cssSelector("#verify-result .ok")).getText()).startsWith("OK:");
      noScript.screenshot("channel-verified-no-js");
    }
  }

  private static String deviceInR3(boolean inside) {
    return IntStream.range(0, 1000).mapToObj(i -> "phone-" + i)
        .filter(d -> (Buckets.bucket("production/r3", d) < 5_000) == inside).findFirst().orElseThrow();
  }

  private static void type(String id, String text) {
    WebElement field = browser.driver.findElement(By.id(id));
    field.clear();
    if (!text.isEmpty()) {
      field.sendKeys(text);
    }
  }

  private static WebElement waitFor(By by) {
    return new WebDriverWait(browser.driver, Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(by));
  }
}
