package com.kivyx.ota.publish;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kivyx.ota.codepush.CodePushOptions;
import com.kivyx.ota.codepush.CodePushPackager;
import com.kivyx.ota.format.Asset;
import com.kivyx.ota.format.CodePushPackageRef;
import com.kivyx.ota.format.CanonicalJson;
import com.kivyx.ota.format.DeltaRef;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.format.LogEntryRef;
import com.kivyx.ota.format.ManifestRef;
import com.kivyx.ota.format.ReleaseManifest;
import com.kivyx.ota.signing.CoseRejectedException;
import com.kivyx.ota.signing.CoseSign1;
import com.kivyx.ota.signing.Signer;
import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.store.Sha256;
import com.kivyx.ota.store.StoreException;
import com.kivyx.ota.store.StoreLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns built files into an immutable, signed, content-addressed release. Writes go in the
 * order blobs, deltas, manifest, release record, so whatever a crash leaves behind, nothing
 * points at an object that is not there yet.
 */
public final class ReleasePublisher {
  /** Deltas are made from at most this many earlier releases of the same runtime version. */
  public static final int DELTA_BASES = 3;

  private final ArtifactStore store;
  private final Signer signer;
  private final SourceFetcher fetcher;
  private final Optional<DeltaMaker> deltaMaker;
  private final Clock clock;
  private final Progress progress;
  private final VersionCodeRule versionCodes;
  private final ReleaseRecords records;
  private final ReleaseProvenance provenance;
  private final Documents documents = new Documents();

  public ReleasePublisher(
      ArtifactStore store,
      Signer signer,
      SourceFetcher fetcher,
      Optional<DeltaMaker> deltaMaker,
      VersionCodeRule versionCodes,
      Clock clock,
      Progress progress) {
    this(store, signer, fetcher, deltaMaker, versionCodes, clock, progress, ProvenancePolicy.none());
  }

  /** @param provenance attestation and transparency log policy (see {@link ProvenancePolicy}) */
  public ReleasePublisher(
      ArtifactStore store,
      Signer signer,
      SourceFetcher fetcher,
      Optional<DeltaMaker> deltaMaker,
      VersionCodeRule versionCodes,
      Clock clock,
      Progress progress,
      ProvenancePolicy provenance) {
    this.provenance = new ReleaseProvenance(store, provenance, progress);
    this.store = store;
    this.signer = signer;
    this.fetcher = fetcher;
    this.deltaMaker = deltaMaker;
    this.clock = clock;
    this.progress = progress;
    this.versionCodes = versionCodes;
    this.records = new ReleaseRecords(store);
  }

  public PublishedRelease publish(ReleaseRequest request) {
    return publish(request, Optional.empty());
  }

  /**
   * @param attestation the builder's DSSE envelope (from {@code kivyx-ota attest}); checked
   *     against the policy and the files before anything is signed
   */
  public PublishedRelease publish(ReleaseRequest request, Optional<byte[]> attestation) {
    List<Path> workFiles = new ArrayList<>();
    try {
      progress.step("fetching " + (1 + request.assets().size()) + " file(s) of release " + request.releaseId());
      FetchedFile launch = fetch(request.launchAsset(), workFiles);
      List<FetchedFile> assets = new ArrayList<>();
      for (AssetSource asset : request.assets()) {
        assets.add(fetch(asset, workFiles));
      }
      String digest = contentDigest(request, launch, assets);

      Optional<ReleaseRecord> existing = records.find(request.appId(), request.platform(), request.releaseId());
      if (existing.isPresent()) {
        return samePublishAgain(request, existing.get(), digest);
      }
      List<ReleaseRecord> earlier =
          records.all(request.appId(), request.platform()).stream()
              .filter(r -> r.runtimeVersion().equals(request.runtimeVersion()))
              .sorted(Comparator.comparingLong(ReleaseRecord::versionCode).reversed())
              .toList();
      checkVersionCode(request, earlier);
      // Deltas come from older releases only: devices move up to this one from them.
      earlier = earlier.stream().filter(r -> r.versionCode() < request.versionCode()).toList();

      long bytes = 0;
      int files = 0;
      Asset launchAsset = store(request, request.launchAsset(), launch);
      bytes += launch.size();
      files++;
      List<Asset> storedAssets = new ArrayList<>();
      for (int i = 0; i < assets.size(); i++) {
        storedAssets.add(store(request, request.assets().get(i), assets.get(i)));
        bytes += assets.get(i).size();
        files++;
      }
      List<DeltaRef> deltas = deltas(request, launch, earlier, workFiles);
      for (DeltaRef delta : deltas) {
        bytes += delta.size();
        files++;
      }
      CodePushPackageRef codePush = request.codePush().map(options -> codePushPackage(request, options, launch, assets, workFiles)).orElse(null);
      if (codePush != null) {
        bytes += codePush.size();
        files++;
      }

      ReleaseManifest manifest =
          new ReleaseManifest(
              ReleaseManifest.SCHEMA,
              request.appId(),
              request.platform(),
              request.releaseId(),
              request.version(),
              request.versionCode(),
              request.runtimeVersion(),
              now().toString(),
              launchAsset,
              storedAssets,
              deltas,
              request.metadata(),
              codePush,
              provenance.attest(request.appId(), attestation, launchAsset, storedAssets).orElse(null));
      byte[] cose = CoseSign1.sign(signer, ReleaseManifest.CONTENT_TYPE, documents.write(manifest));
      String manifestSha = Sha256.hex(cose);
      String manifestKey = StoreLayout.blob(request.appId(), manifestSha);
      store.putImmutable(manifestKey, cose, StoreLayout.COSE_CONTENT_TYPE);
      ManifestRef ref = new ManifestRef(manifestKey, manifestSha, cose.length);
      // Logged and stored before the record (and so any index) names the release.
      LogEntryRef transparency = provenance.logManifest(request.appId(), cose, signer).orElse(null);
      records.write(
          request.appId(),
          request.platform(),
          new ReleaseRecord(
              request.releaseId(), request.version(), request.versionCode(), request.runtimeVersion(), launch.sha256(), digest, ref,
              manifest.createdAt(), transparency));
      progress.step(
          "published release " + request.releaseId() + ": " + files + " file(s), " + bytes + " bytes, " + deltas.size()
              + " delta(s), manifest " + manifestKey + " signed by " + signer.kid());
      return new PublishedRelease(manifest, ref, false, files, bytes, transparency);
    } finally {
      for (Path file : workFiles) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          // a leftover temp file is harmless
        }
      }
    }
  }

  /** @param sameRuntime the earlier releases of this runtime version, newest first */
  private void checkVersionCode(ReleaseRequest request, List<ReleaseRecord> sameRuntime) {
    if (versionCodes == VersionCodeRule.INCREASING && !sameRuntime.isEmpty() && request.versionCode() <= sameRuntime.get(0).versionCode()) {
      throw new PublishException(
          "versionCode " + request.versionCode() + " is not higher than " + sameRuntime.get(0).versionCode()
              + " of release " + sameRuntime.get(0).releaseId() + " (runtime " + request.runtimeVersion()
              + "); give this release a higher --version-code");
    }
    for (ReleaseRecord r : sameRuntime) {
      if (r.versionCode() == request.versionCode()) {
        throw new PublishException(
            "versionCode " + request.versionCode() + " is already used by release " + r.releaseId() + " (runtime "
                + request.runtimeVersion() + "); give this release another versionCode");
      }
    }
  }

  private PublishedRelease samePublishAgain(ReleaseRequest request, ReleaseRecord record, String digest) {
    if (!record.contentDigest().equals(digest)) {
      throw new PublishException(
          "release " + request.releaseId() + " is already published with different content; releases are immutable, "
              + "so publish the change under a new release id and a higher versionCode");
    }
    byte[] cose =
        store.read(record.manifest().url())
            .orElseThrow(() -> new StoreException("release record " + request.releaseId() + " points at a missing manifest " + record.manifest().url()))
            .bytes();
    if (!Sha256.hex(cose).equals(record.manifest().sha256())) {
      throw new StoreException("manifest " + record.manifest().url() + " does not match its SHA-256; the store is damaged");
    }
    ReleaseManifest manifest;
    try {
      manifest = documents.readReleaseManifest(CoseSign1.payloadOfAuthenticated(cose));
    } catch (CoseRejectedException e) {
      throw new StoreException("manifest " + record.manifest().url() + " is unreadable: " + e.getMessage(), e);
    }
    progress.step("release " + request.releaseId() + " is already published with the same content; nothing to do");
    return new PublishedRelease(manifest, record.manifest(), true, 0, 0, record.transparency());
  }

  private FetchedFile fetch(AssetSource source, List<Path> workFiles) {
    FetchedFile fetched = fetcher.fetch(source.source(), source.path());
    workFiles.add(fetched.file());
    return fetched;
  }

  private Asset store(ReleaseRequest request, AssetSource source, FetchedFile file) {
    String key = StoreLayout.blob(request.appId(), file.sha256());
    store.putImmutable(key, file.file(), file.sha256(), source.contentType());
    progress.step("stored " + source.path() + " (" + file.size() + " bytes) as " + key);
    return new Asset(source.path(), file.sha256(), file.size(), source.contentType(), key);
  }

  /** Deltas from the newest earlier releases; any failure only costs that delta. */
  private List<DeltaRef> deltas(ReleaseRequest request, FetchedFile launch, List<ReleaseRecord> earlier, List<Path> workFiles) {
    if (deltaMaker.isEmpty() || earlier.isEmpty()) {
      return List.of();
    }
    DeltaMaker maker = deltaMaker.get();
    long fullCompressed = maker.compressedSize(launch.file());
    List<DeltaRef> deltas = new ArrayList<>();
    List<String> bases = new ArrayList<>();
    for (ReleaseRecord base : earlier) {
      if (deltas.size() + bases.size() >= DELTA_BASES) {
        break;
      }
      String fromSha = base.launchAssetSha256();
      if (fromSha.equals(launch.sha256()) || bases.contains(fromSha)) {
        continue;
      }
      bases.add(fromSha);
      try {
        Path old = Files.createTempFile("kivyx-delta-base-", ".bin");
        workFiles.add(old);
        byte[] oldBytes =
            store.read(StoreLayout.blob(request.appId(), fromSha))
                .orElseThrow(() -> new StoreException("launch asset of " + base.releaseId() + " is missing"))
                .bytes();
        if (!Sha256.hex(oldBytes).equals(fromSha)) {
          throw new StoreException("launch asset of " + base.releaseId() + " does not match its SHA-256");
        }
        Files.write(old, oldBytes);
        Optional<byte[]> patch = maker.make(old, launch.file());
        if (patch.isEmpty()) {
          progress.step("no delta from " + base.releaseId() + ": over the time or memory budget");
          continue;
        }
        if (patch.get().length * 2L >= fullCompressed) {
          progress.step(
              "no delta from " + base.releaseId() + ": " + patch.get().length + " bytes is not under half of the "
                  + fullCompressed + "-byte compressed bundle");
          continue;
        }
        String sha = Sha256.hex(patch.get());
        String key = StoreLayout.blob(request.appId(), sha);
        store.putImmutable(key, patch.get(), ContentTypes.DELTA);
        deltas.add(new DeltaRef(fromSha, DeltaRef.FORMAT_KVXD1, sha, patch.get().length, key));
        progress.step("delta from " + base.releaseId() + ": " + patch.get().length + " bytes (full bundle compressed: " + fullCompressed + ")");
      } catch (IOException | RuntimeException e) {
        progress.step("no delta from " + base.releaseId() + ": " + e.getMessage());
      }
    }
    return deltas;
  }

  /** The zip react-native-code-push clients download, built from the files just fetched. */
  private CodePushPackageRef codePushPackage(
      ReleaseRequest request, CodePushOptions options, FetchedFile launch, List<FetchedFile> assets, List<Path> workFiles) {
    List<CodePushPackager.PackageFile> files = new ArrayList<>();
    for (int i = 0; i < assets.size(); i++) {
      files.add(new CodePushPackager.PackageFile(request.assets().get(i).path(), assets.get(i).file()));
    }
    CodePushPackager.BuiltPackage built;
    try {
      built = CodePushPackager.build(options.bundleFileName(), launch.file(), files, options.signingKey());
    } catch (IllegalArgumentException e) {
      throw new PublishException("cannot build the CodePush package of release " + request.releaseId() + ": " + e.getMessage());
    }
    workFiles.add(built.zip());
    String key = StoreLayout.blob(request.appId(), built.sha256());
    store.putImmutable(key, built.zip(), built.sha256(), ContentTypes.ZIP);
    progress.step("CodePush package: " + built.size() + " bytes as " + key + ", package hash " + built.packageHash());
    return new CodePushPackageRef(built.packageHash(), built.sha256(), built.size(), key);
  }

  /** What makes two publishes "the same release": every file and every field a device sees. */
  private String contentDigest(ReleaseRequest request, FetchedFile launch, List<FetchedFile> assets) {
    ObjectNode node = documents.mapper().createObjectNode();
    node.put("version", request.version()).put("versionCode", request.versionCode()).put("runtimeVersion", request.runtimeVersion());
    node.putObject("launchAsset").put("path", request.launchAsset().path()).put("sha256", launch.sha256()).put("contentType", request.launchAsset().contentType());
    ArrayNode list = node.putArray("assets");
    for (int i = 0; i < assets.size(); i++) {
      AssetSource source = request.assets().get(i);
      list.addObject().put("path", source.path()).put("sha256", assets.get(i).sha256()).put("contentType", source.contentType());
    }
    ObjectNode metadata = node.putObject("metadata");
    new TreeMap<>(request.metadata()).forEach(metadata::put);
    // Only when asked for, so releases published before CodePush support keep their digest.
    request.codePush().ifPresent(options -> {
      ObjectNode codePush = node.putObject("codePush").put("bundleFileName", options.bundleFileName());
      options.signingKey().ifPresent(key -> codePush.put("signedBy", Sha256.hex(key.getModulus().toByteArray())));
    });
    return Sha256.hex(CanonicalJson.write(node));
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }
}
