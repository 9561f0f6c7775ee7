package com.kivyx.ota.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.dashboard.catalog.StoreCatalog;
import com.kivyx.ota.dashboard.kube.RolloutSource;
import com.kivyx.ota.dashboard.writes.ChannelWrites;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.publish.ChannelChange;
import com.kivyx.ota.server.ManifestServer;
import com.kivyx.ota.store.StoreLayout;
import com.kivyx.ota.verify.ChannelVerifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Static-mode writes clicked in headless Chromium on a real directory store, next to the real
 * device server on the same store: what the page says it signed is what devices are served.
 */
class ChannelWritesBrowserIT {
  private static final String CHANNEL = "/apps/com.kivyx.test/android/production";
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
        new StoreCatalog(sample.store, sample.pinnedKeys(), clock), RolloutSource.none(), Optional.empty(),
        Optional.of(new ChannelWrites(sample.store, sample.signer, sample.pinnedKeys(), clock, Duration.ofDays(7))));
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
  void setWeightShowsTheNewVersionAndTheDeviceServerServesIt() throws Exception {
    browser.driver.get(base + CHANNEL);
    long shown = shownVersion();
    WebElement weight = browser.driver.findElement(By.id("weight-r3"));
    assertThat(browser.driver.findElements(By.cssSelector("label[for='weight-r3']"))).hasSize(1);
    weight.clear();
    weight.sendKeys("25");
    browser.driver.findElement(By.id("set-weight-r3")).click();
    WebElement result = waitFor(By.cssSelector("#write-result .ok"));
    assertThat(result.getText()).startsWith("Signed index version " + (shown + 1) + " (set r3 to 25%, key dash-v1)");
    assertThat(shownVersion()).as("htmx swapped in the new index").isEqualTo(shown + 1);
    assertThat(browser.driver.getCurrentUrl()).endsWith(CHANNEL);
    browser.screenshot("channel-weight-set");

    ChannelIndex served = servedIndex(shown + 1);
    assertThat(served.releases().stream().filter(r -> r.releaseId().equals("r3")).findFirst().orElseThrow().rollout().weight()).isEqualTo(2_500);
  }

  @Test
  void aChangeMadeMeanwhileIsShownAsAConflict() throws Exception {
    browser.driver.get(base + CHANNEL);
    long shown = shownVersion();
    sample.pipeline.updater().apply(SampleStore.CHANNEL, ChannelChange.refresh()); // another release engineer's re-sign
    byte[] stored = sample.store.read(StoreLayout.index(SampleStore.CHANNEL)).orElseThrow().bytes();
    browser.driver.findElement(By.id("revoke-r3")).click();
    new WebDriverWait(browser.driver, Duration.ofSeconds(10)).until(ExpectedConditions.alertIsPresent()).accept(); // hx-confirm
    WebElement problem = waitFor(By.cssSelector("#write-result .problem"));
    assertThat(problem.getText()).startsWith("Conflict: the index is now at version " + (shown + 1) + ", not version " + shown).contains("Nothing was written.");
    assertThat(shownVersion()).as("the page now shows what is there").isEqualTo(shown + 1);
    browser.screenshot("channel-write-conflict");
    assertThat(sample.store.read(StoreLayout.index(SampleStore.CHANNEL)).orElseThrow().bytes()).isEqualTo(stored);
  }

  private static long shownVersion() {
    return Long.parseLong(browser.driver.findElement(By.xpath("//dl[contains(@class,'facts')]/dt[.='Version']/following-sibling::dd[1]")).getText().trim());
  }

  /** The index the device server answers with, once its directory watch has seen the new version. */
  private ChannelIndex servedIndex(long version) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + devices.port() + "/v1/apps/com.kivyx.test/android/channels/production/index");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() == 200) {
        ChannelIndex index = new ChannelVerifier(sample.pinnedKeys()).openIndex(SampleStore.CHANNEL, response.body());
        if (index.version() >= version) {
          assertThat(index.version()).isEqualTo(version);
          return index;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the device server never served index version " + version);
      }
      Thread.sleep(100);
    }
  }

  private static WebElement waitFor(By by) {
    return new WebDriverWait(browser.driver, Duration.ofSeconds(20)).until(ExpectedConditions.visibilityOfElementLocated(by));
  }
}
