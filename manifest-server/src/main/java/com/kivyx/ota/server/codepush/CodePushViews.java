package com.kivyx.ota.server.codepush;

import com.kivyx.ota.codepush.PackageHash;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.CodePushPackageRef;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.format.InvalidDocumentException;
import com.kivyx.ota.format.ReleaseManifest;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.server.ChannelSnapshot;
import com.kivyx.ota.server.Snapshot;
import com.kivyx.ota.server.SourceListener;
import com.kivyx.ota.signing.CoseRejectedException;
import com.kivyx.ota.signing.CoseSign1;
import com.kivyx.ota.store.Sha256;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link CodePushChannel} for every channel a deployment key stands for, rebuilt on the
 * source's thread whenever it swaps in a new snapshot (so requests never wait for it). A
 * package is offered only after its blob was read back and matched the size, SHA-256 and
 * package hash its signed manifest gives: CodePush clients check the hash only for signed or
 * diff updates, so the server checks it for them.
 */
public final class CodePushViews implements SourceListener {
  private static final Logger log = LoggerFactory.getLogger(CodePushViews.class);

  /** Reads a blob by its store URL; empty when it is not there. */
  @FunctionalInterface
  public interface BlobReader {
    Optional<byte[]> read(String url);
  }

  private final Set<ChannelId> channels;
  private final BlobReader blobs;
  private final Documents documents = new Documents();
  private final AtomicReference<Map<ChannelId, CodePushChannel>> current = new AtomicReference<>(Map.of());
  /** Outcome per manifest SHA-256 (manifests never change): an offer, or none for a release without a good package. */
  private Map<String, Optional<Offer>> checked = new HashMap<>();

  public CodePushViews(Set<ChannelId> channels, BlobReader blobs) {
    this.channels = Set.copyOf(channels);
    this.blobs = blobs;
  }

  /** The view of a channel, or empty while it is not served. */
  public Optional<CodePushChannel> channel(ChannelId key) {
    return Optional.ofNullable(current.get().get(key));
  }

  @Override
  public synchronized void swapped(Snapshot snapshot) {
    Map<ChannelId, CodePushChannel> before = current.get();
    Map<ChannelId, CodePushChannel> next = new HashMap<>();
    Map<String, Optional<Offer>> stillUsed = new HashMap<>();
    for (ChannelId key : channels) {
      Optional<ChannelSnapshot> channel = snapshot.channel(key);
      if (channel.isEmpty()) {
        continue;
      }
      CodePushChannel old = before.get(key);
      Map<String, Offer> offers = new HashMap<>();
      for (ChannelRelease entry : channel.get().index().releases()) {
        String sha = entry.manifest().sha256();
        Optional<Offer> offer = checked.containsKey(sha) ? checked.get(sha) : check(key, entry, channel.get());
        if (offer != null) {
          stillUsed.put(sha, offer);
          offer.ifPresent(o -> offers.put(entry.releaseId(), o));
        }
      }
      next.put(key, old != null && old.snapshot() == channel.get() ? old : CodePushChannel.of(channel.get(), offers));
    }
    checked = stillUsed;
    current.set(Map.copyOf(next));
  }

  /** @return the offer, none for a release without a usable package, or null to look again next time */
  private Optional<Offer> check(ChannelId key, ChannelRelease entry, ChannelSnapshot channel) {
    ReleaseManifest manifest;
    try {
      manifest = documents.readReleaseManifest(CoseSign1.payloadOfAuthenticated(channel.manifests().get(entry.manifest().sha256())));
    } catch (CoseRejectedException | InvalidDocumentException e) {
      log.warn("{}: manifest of release {} is unreadable ({}); not offered to CodePush clients", key, entry.releaseId(), e.getMessage());
      return Optional.empty();
    }
    Optional<CodePushPackageRef> ref = manifest.codePushPackage();
    if (ref.isEmpty()) {
      log.info("{}: release {} has no CodePush package (publish it with --codepush); CodePush clients are not offered it", key, entry.releaseId());
      return Optional.empty();
    }
    CodePushPackageRef pkg = ref.get();
    Optional<byte[]> zip;
    try {
      zip = blobs.read(pkg.url());
    } catch (RuntimeException e) {
      log.warn("{}: cannot read the CodePush package of release {} at {} ({}); will look again", key, entry.releaseId(), pkg.url(), e.getMessage());
      return null;
    }
    if (zip.isEmpty()) {
      log.warn("{}: the CodePush package of release {} is missing at {}; will look again", key, entry.releaseId(), pkg.url());
      return null;
    }
    String problem = problem(pkg, zip.get());
    if (problem != null) {
      log.error("{}: the CodePush package of release {} at {} {}; it is not offered (republish the release)", key, entry.releaseId(), pkg.url(), problem);
      return Optional.empty();
    }
    return Optional.of(Offer.of(entry.releaseId(), pkg, manifest.metadata().getOrDefault("notes", "")));
  }

  private static String problem(CodePushPackageRef pkg, byte[] zip) {
    if (zip.length != pkg.size() || !Sha256.hex(zip).equals(pkg.sha256())) {
      return "does not match the size and SHA-256 its manifest signs";
    }
    try {
      return PackageHash.ofZip(zip).equals(pkg.packageHash()) ? null : "holds files whose package hash is not the signed one";
    } catch (IllegalArgumentException e) {
      return "is not a usable package: " + e.getMessage();
    }
  }
}
