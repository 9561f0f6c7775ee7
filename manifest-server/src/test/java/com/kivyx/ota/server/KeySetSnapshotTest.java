package com.kivyx.ota.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.KeySet;
import com.kivyx.ota.keys.KeySetChanges;
import com.kivyx.ota.keys.KeySetPublisher;
import com.kivyx.ota.keys.KeySetTrust;
import com.kivyx.ota.publish.ChannelIndexUpdater;
import com.kivyx.ota.publish.ManifestResigner;
import com.kivyx.ota.publish.Progress;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.signing.P256;
import com.kivyx.ota.store.StoreLayout;
import com.kivyx.ota.testing.Pipeline;
import com.kivyx.ota.testing.TestKeys;
import com.kivyx.ota.verify.DocumentRejectedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server with pinned roots ({@code serve --trust-root}): it serves what the app's key set accepts, and stops serving what a revoked key signed. */
class KeySetSnapshotTest {
  @TempDir Path dir;

  @Test
  void anIndexSignedByARevokedKeyIsNotServedAndARolledBackKeySetIsRefused() throws Exception {
    PublishedStore published = new PublishedStore(dir);
    ChannelId id = new ChannelId(PublishedStore.APP, Pipeline.PLATFORM, PublishedStore.CHANNEL);
    LocalKeySigner root = TestKeys.signer("root-v1");
    LocalKeySigner next = TestKeys.signer("prod-v2");
    Instant now = published.pipeline.clock.instant();
    KeySet v1 = KeySetChanges.initial(PublishedStore.APP, List.of(new KeySet.RootKey(root.kid(), P256.rawHex(root.publicKey()))),
        List.of(key(published.signer, now), key(next, now)), now, Duration.ofDays(30));
    KeySetPublisher keySets = new KeySetPublisher(published.store);
    byte[] v1Cose = keySets.publish(Optional.empty(), v1, root);
    SnapshotBuilder builder = new SnapshotBuilder(new KeySetTrust(published.store, Map.of(root.kid(), root.publicKey()), published.pipeline.clock), published.pipeline.clock);

    byte[] oldIndex = published.indexBytes();
    ChannelSnapshot served = builder.build(id, oldIndex, Optional.empty(), url -> published.store.read(url).map(o -> o.bytes()));
    assertThat(served.index().releases()).hasSize(2);

    // Revoke the publisher's key and re-sign the channel with the other one.
    KeySet v2 = KeySetChanges.revoke(v1, published.signer.kid(), now, Duration.ofDays(30));
    keySets.publish(Optional.of(v1), v2, root);
    assertThatThrownBy(() -> builder.build(id, oldIndex, Optional.empty(), url -> published.store.read(url).map(o -> o.bytes())))
        .isInstanceOfSatisfying(DocumentRejectedException.class, e -> assertThat(e.reason()).isEqualTo(DocumentRejectedException.Reason.SIGNATURE));
    new ChannelIndexUpdater(published.store, next, v1.allSigningKeys(), published.pipeline.clock, Duration.ofDays(7), Progress.SILENT)
        .apply(id, new ManifestResigner(published.store, next, Progress.SILENT).resignAll());
    ChannelSnapshot resigned = builder.build(id, published.indexBytes(), Optional.of(served), url -> published.store.read(url).map(o -> o.bytes()));
    assertThat(resigned.index().version()).isGreaterThan(served.index().version());

    // Someone puts key set v1 back as the current one: the server, which trusted v2, refuses it.
    Files.write(published.root.resolve(StoreLayout.keySet(PublishedStore.APP)), v1Cose);
    assertThatThrownBy(() -> builder.build(id, published.indexBytes(), Optional.empty(), url -> published.store.read(url).map(o -> o.bytes())))
        .isInstanceOfSatisfying(DocumentRejectedException.class, e -> assertThat(e.getMessage()).contains("ROLLED_BACK").contains("does not follow"));
  }

  private static KeySet.SigningKey key(LocalKeySigner s, Instant from) {
    return new KeySet.SigningKey(s.kid(), P256.rawHex(s.publicKey()), from.toString(), from.plus(Duration.ofDays(365)).toString());
  }
}
