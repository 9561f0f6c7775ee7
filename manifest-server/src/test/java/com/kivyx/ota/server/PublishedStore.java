package com.kivyx.ota.server;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.AttributeRule;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.RolloutInfo;
import com.kivyx.ota.format.Targeting;
import com.kivyx.ota.publish.ChannelChange;
import com.kivyx.ota.publish.IndexUpdate;
import com.kivyx.ota.publish.PublishedRelease;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.store.DirectoryStore;
import com.kivyx.ota.testing.Pipeline;
import com.kivyx.ota.testing.TestKeys;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A directory store published with core's pipeline: r1 on the channel for everyone, r2
 * (a kvxd1 delta from r1) for devices with {@code attr.country=DE}, mandatory. Plus a client.
 */
final class PublishedStore {
  static final String APP = Pipeline.APP;
  static final String CHANNEL = Pipeline.CHANNEL;
  static final String PLATFORM = Pipeline.PLATFORM.id();
  static final String BASE = "/v1/apps/" + APP + "/" + PLATFORM + "/channels/" + CHANNEL;

  final Path root;
  final DirectoryStore store;
  final LocalKeySigner signer = TestKeys.signer("alias/server-test");
  final Pipeline pipeline;
  final PublishedRelease r1;
  final PublishedRelease r2;
  private final Path work;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  PublishedStore(Path dir) throws IOException {
    root = dir.resolve("store");
    work = dir.resolve("work");
    Files.createDirectories(work);
    store = new DirectoryStore(root);
    pipeline = new Pipeline(store, signer, work.resolve("fetch"));
    r1 = publish("r1", 1, 1);
    offer(r1, RolloutInfo.FULL_WEIGHT, false, null);
    r2 = publish("r2", 2, 2);
    offer(r2, RolloutInfo.FULL_WEIGHT, true, new Targeting(null, null, List.of(new AttributeRule("country", "in", List.of("DE"), null))));
  }

  Map<String, ECPublicKey> keys() {
    return Map.of(signer.kid(), signer.publicKey());
  }

  SnapshotBuilder builder() {
    return new SnapshotBuilder(keys(), pipeline.clock);
  }

  StoreChannelSource directorySource(Duration rescan, SourceListener listener) {
    return new StoreChannelSource(store, builder(), StoreChannelSource.Settings.directory(root, rescan), listener, pipeline.clock);
  }

  /** A bundle of about 20 KB whose text changes a little with {@code seed}. */
  static String bundle(int seed) {
    StringBuilder js = new StringBuilder("// demo bundle\n");
    for (int i = 0; i < 600; i++) {
      js.append("function f").append(i).append("(x){return x*").append(i % 17 == 0 ? i + seed : i).append(";}\n");
    }
    return js.toString();
  }

  PublishedRelease publish(String releaseId, long versionCode, int seed) throws IOException {
    Path bundle = work.resolve(releaseId + ".bundle");
    Files.writeString(bundle, bundle(seed));
    return pipeline.publish(Pipeline.request(releaseId, versionCode, bundle, List.of()), true);
  }

  IndexUpdate offer(PublishedRelease release, int weight, boolean mandatory, Targeting targeting) {
    var m = release.manifest();
    return pipeline.updater().apply(new ChannelId(APP, Pipeline.PLATFORM, CHANNEL),
        ChannelChange.offer(new ChannelRelease(m.releaseId(), m.versionCode(), m.runtimeVersion(), release.manifestRef(),
            new RolloutInfo(CHANNEL + "/" + m.releaseId(), weight, mandatory, targeting))));
  }

  byte[] indexBytes() throws IOException {
    return Files.readAllBytes(root.resolve("apps/" + APP + "/" + PLATFORM + "/" + CHANNEL + "/index.cose"));
  }

  HttpResponse<byte[]> get(int port, String pathAndQuery, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<byte[]> post(int port, String path, byte[] body, String contentType) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A fresh client (no pooled connection). */
  static final class Client {
    HttpResponse<byte[]> get(int port, String path) throws Exception {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }
  }

  static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }
}
