package com.kivyx.ota.dashboard;

import com.kivyx.ota.format.AttributeRule;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.format.RolloutInfo;
import com.kivyx.ota.format.Targeting;
import com.kivyx.ota.publish.AssetSource;
import com.kivyx.ota.publish.ChannelChange;
import com.kivyx.ota.publish.FileSource;
import com.kivyx.ota.publish.PublishedRelease;
import com.kivyx.ota.publish.ReleaseRequest;
import com.kivyx.ota.server.ManifestServer;
import com.kivyx.ota.server.ServerConfig;
import com.kivyx.ota.server.ServerMetrics;
import com.kivyx.ota.server.SnapshotBuilder;
import com.kivyx.ota.server.StoreChannelSource;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.store.DirectoryStore;
import com.kivyx.ota.testing.Pipeline;
import com.kivyx.ota.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A real directory store published through the real pipeline: on android/production, r1 and r2
 * (r2 with a kvxd1 delta from r1) at 100% on runtime 1.0.0, and r3 on runtime 2.0.0 at 50% for
 * devices with attribute tier=beta. The index is signed now, so it is fresh for the real server.
 */
final class SampleStore {
  static final String APP = Pipeline.APP;
  static final ChannelId CHANNEL = Pipeline.CHANNEL_ID;
  static final ChannelId IOS = new ChannelId(APP, Platform.IOS, Pipeline.CHANNEL);

  final Path root;
  final DirectoryStore store;
  final LocalKeySigner signer = TestKeys.signer("dash-v1");
  final Pipeline pipeline;

  SampleStore(Path dir) throws Exception {
    root = dir.resolve("store");
    store = new DirectoryStore(root);
    pipeline = new Pipeline(store, signer, Files.createDirectories(dir.resolve("work")));
    pipeline.clock.advance(Duration.between(pipeline.clock.instant(), Instant.now()));
    Path bundles = Files.createDirectories(dir.resolve("bundles"));
    offer(publish(bundles, "r1", 1, "1.0.0"), RolloutInfo.FULL_WEIGHT, null);
    offer(publish(bundles, "r2", 2, "1.0.0"), RolloutInfo.FULL_WEIGHT, null);
    offer(publish(bundles, "r3", 3, "2.0.0"), 5_000, new Targeting(null, null, List.of(new AttributeRule("tier", "in", List.of("beta"), null))));
  }

  /** The real device server on this store (watched, as {@code kivyx-ota serve} runs it), pinned to its key. */
  ManifestServer deviceServer(ServerConfig config, java.time.Clock clock) {
    ServerMetrics metrics = new ServerMetrics();
    return ManifestServer.start(config, new StoreChannelSource(store, new SnapshotBuilder(pinnedKeys(), clock),
        StoreChannelSource.Settings.directory(root, Duration.ofSeconds(30)), metrics, clock), metrics);
  }

  ManifestServer deviceServer(java.time.Clock clock) {
    return deviceServer(ServerConfig.defaults("127.0.0.1", 0, java.util.Optional.of(root)), clock);
  }

  Map<String, ECPublicKey> pinnedKeys() {
    return Map.of(signer.kid(), signer.publicKey());
  }

  private PublishedRelease publish(Path bundles, String id, long versionCode, String runtime) throws Exception {
    Path bundle = bundles.resolve(id + ".bundle");
    Files.writeString(bundle, bundle(versionCode), StandardCharsets.UTF_8);
    return pipeline.publish(new ReleaseRequest(APP, CHANNEL.platform(), id, "1.0." + versionCode, versionCode, runtime,
        new AssetSource("index.android.bundle", "application/javascript", FileSource.of(bundle.toString())), List.of(), Map.of("notes", "release " + id)), true);
  }

  private void offer(PublishedRelease release, int weight, Targeting targeting) {
    var m = release.manifest();
    pipeline.updater().apply(CHANNEL, ChannelChange.offer(new ChannelRelease(m.releaseId(), m.versionCode(), m.runtimeVersion(), release.manifestRef(),
        new RolloutInfo(CHANNEL.channel() + "/" + m.releaseId(), weight, false, targeting))));
  }

  /** About 40 KB of bundle-like JS; later versions change a few lines, so deltas are small. */
  static String bundle(long version) {
    StringBuilder js = new StringBuilder("/* bundle " + version + " */\n");
    for (int i = 0; i < 800; i++) {
      js.append("__d(function(g,r,i,a,m){m.exports=function s").append(i).append("(){return '")
          .append(i % 97 == 0 ? "v" + version : "same").append("';};},").append(i).append(");\n");
    }
    return js.toString();
  }
}
