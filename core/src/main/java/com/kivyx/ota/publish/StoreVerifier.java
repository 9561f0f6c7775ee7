package com.kivyx.ota.publish;

import com.kivyx.ota.codepush.PackageHash;
import com.kivyx.ota.format.Asset;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.CodePushPackageRef;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.DeltaRef;
import com.kivyx.ota.format.ReleaseManifest;
import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.store.Sha256;
import com.kivyx.ota.store.StoreLayout;
import com.kivyx.ota.store.StoredObject;
import com.kivyx.ota.verify.ChannelVerifier;
import com.kivyx.ota.verify.DocumentRejectedException;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a channel in a store the way a device would ({@link ChannelVerifier}: the index's
 * signature, identity and expiry, each manifest against its index entry), and every blob's size
 * and SHA-256. It reports every problem it finds rather than stopping at the first.
 */
public final class StoreVerifier {
  private final ArtifactStore store;
  private final ChannelVerifier verifier;
  private final Clock clock;

  public StoreVerifier(ArtifactStore store, Map<String, ECPublicKey> pinnedKeys, Clock clock) {
    this.store = store;
    this.verifier = new ChannelVerifier(pinnedKeys);
    this.clock = clock;
  }

  public VerificationReport verify(ChannelId channel) {
    List<String> problems = new ArrayList<>();
    String indexKey = StoreLayout.index(channel);
    Optional<StoredObject> stored = store.read(indexKey);
    if (stored.isEmpty()) {
      return new VerificationReport(List.of("no index at " + indexKey + " in " + store.describe()), 0, "-", 0, 0, 0);
    }
    ChannelIndex index;
    try {
      index = verifier.openIndex(channel, stored.get().bytes());
    } catch (DocumentRejectedException e) {
      return new VerificationReport(List.of("index " + indexKey + ": " + e.getMessage()), 0, "-", 0, 0, 0);
    }
    try {
      verifier.requireFresh(channel, index, clock.instant());
    } catch (DocumentRejectedException e) {
      problems.add("index " + indexKey + ": " + e.getMessage());
    }
    Counter counter = new Counter();
    for (ChannelRelease entry : index.releases()) {
      verifyRelease(channel, entry, problems, counter);
    }
    return new VerificationReport(problems, index.version(), index.expiresAt(), index.releases().size(), counter.blobs, counter.bytes);
  }

  private static final class Counter {
    int blobs;
    long bytes;
  }

  private void verifyRelease(ChannelId channel, ChannelRelease entry, List<String> problems, Counter counter) {
    String label = "release " + entry.releaseId();
    Optional<byte[]> cose = blob(entry.manifest().url(), entry.manifest().sha256(), entry.manifest().size(), label + " manifest", problems, counter);
    if (cose.isEmpty()) {
      return;
    }
    ReleaseManifest manifest;
    try {
      manifest = verifier.openManifest(channel, entry, cose.get());
    } catch (DocumentRejectedException e) {
      problems.add(e.getMessage());
      return;
    }
    List<Asset> files = new ArrayList<>();
    files.add(manifest.launchAsset());
    files.addAll(manifest.assets());
    for (Asset asset : files) {
      blob(asset.url(), asset.sha256(), asset.size(), label + " " + asset.path(), problems, counter);
    }
    for (DeltaRef delta : manifest.deltas()) {
      blob(delta.url(), delta.sha256(), delta.size(), label + " delta from " + delta.fromSha256().substring(0, 12), problems, counter);
    }
    manifest.codePushPackage().ifPresent(pkg -> codePush(pkg, label, problems, counter));
  }

  /** The zip's bytes, and the package hash a CodePush client would compute from its files. */
  private void codePush(CodePushPackageRef pkg, String label, List<String> problems, Counter counter) {
    Optional<byte[]> zip = blob(pkg.url(), pkg.sha256(), pkg.size(), label + " CodePush package", problems, counter);
    if (zip.isEmpty()) {
      return;
    }
    try {
      String actual = PackageHash.ofZip(zip.get());
      if (!actual.equals(pkg.packageHash())) {
        problems.add(label + " CodePush package: its files hash to " + actual + ", signed package hash " + pkg.packageHash());
      }
    } catch (IllegalArgumentException e) {
      problems.add(label + " CodePush package: " + e.getMessage());
    }
  }

  private Optional<byte[]> blob(String url, String sha256, long size, String label, List<String> problems, Counter counter) {
    Optional<StoredObject> stored;
    try {
      stored = store.read(url);
    } catch (IllegalArgumentException e) {
      problems.add(label + ": " + e.getMessage());
      return Optional.empty();
    }
    if (stored.isEmpty()) {
      problems.add(label + ": missing at " + url);
      return Optional.empty();
    }
    byte[] bytes = stored.get().bytes();
    counter.blobs++;
    counter.bytes += bytes.length;
    if (bytes.length != size) {
      problems.add(label + ": " + url + " is " + bytes.length + " bytes, signed size is " + size);
      return Optional.empty();
    }
    String actual = Sha256.hex(bytes);
    if (!actual.equals(sha256)) {
      problems.add(label + ": " + url + " has SHA-256 " + actual + ", signed " + sha256);
      return Optional.empty();
    }
    return Optional.of(bytes);
  }
}
