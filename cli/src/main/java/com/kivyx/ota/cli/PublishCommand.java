package com.kivyx.ota.cli;

import com.kivyx.ota.codepush.CodePushOptions;
import com.kivyx.ota.codepush.CodeSigning;
import com.kivyx.ota.delta.DeltaBudget;
import com.kivyx.ota.expo.ExpoException;
import com.kivyx.ota.expo.ExpoExport;
import com.kivyx.ota.expo.ExpoRelease;
import com.kivyx.ota.expo.ExpoReleasePublisher;
import com.kivyx.ota.format.CanonicalJson;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.format.RolloutInfo;
import com.kivyx.ota.publish.AssetSource;
import com.kivyx.ota.publish.ChannelChange;
import com.kivyx.ota.publish.ContentTypes;
import com.kivyx.ota.publish.FileSource;
import com.kivyx.ota.publish.IndexUpdate;
import com.kivyx.ota.publish.Kvxd1DeltaMaker;
import com.kivyx.ota.publish.PublishedRelease;
import com.kivyx.ota.publish.ReleasePublisher;
import com.kivyx.ota.publish.ReleaseRequest;
import com.kivyx.ota.publish.SourceFetcher;
import com.kivyx.ota.publish.VersionCodeRule;
import com.kivyx.ota.signing.Signer;
import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.store.S3Clients;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kivyx-ota publish}: a built bundle becomes a signed release on a channel (static mode). */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description = {
      "Publish a built bundle (and its assets) as an immutable, signed release, with kvxd1 deltas from up to 3",
      "earlier releases, and put it on a channel with a newly signed index."
    })
final class PublishCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StoreOptions store;
  @Mixin KeyOptions key;
  @Mixin ChannelOptions channel;
  @Mixin IndexOptions index;
  @Mixin ExpoOptions expo;
  @Mixin ProvenanceOptions provenance;

  @Option(names = "--version", required = true, paramLabel = "SEMVER", description = "The release's version, e.g. 1.2.3.")
  String version;

  @Option(names = "--version-code", required = true, paramLabel = "N", description = "A number above every earlier release of this runtime version.")
  long versionCode;

  @Option(names = "--runtime-version", required = true, paramLabel = "RV", description = "The native runtime this bundle needs; devices only get matching releases.")
  String runtimeVersion;

  @Option(names = "--bundle", paramLabel = "FILE", description = "The launch bundle (JS or Hermes bytecode); or give --expo-export.")
  Path bundle;

  @Option(
      names = "--expo-export",
      paramLabel = "DIR",
      description = "Output of `npx expo export`: the bundle and assets of --platform come from its metadata.json (needs --expo-asset-base-url).")
  Path expoExport;

  @Option(names = "--assets", paramLabel = "DIR", description = "Directory of assets; each file is published as DIRNAME/relative/path.")
  Path assets;

  @Option(names = "--release-id", paramLabel = "ID", description = "Release id (default: VERSION-VERSIONCODE).")
  String releaseId;

  @Option(names = "--weight", paramLabel = "PERCENT", converter = Percent.class, description = "Share of devices to offer it to (default: 100).")
  Integer weight = RolloutInfo.FULL_WEIGHT;

  @Option(names = "--mandatory", description = "Devices must install it before running on.")
  boolean mandatory;

  @Option(names = "--notes", paramLabel = "TEXT", description = "Release notes, kept in the manifest's metadata.")
  String notes;

  @Option(names = "--delta-timeout", paramLabel = "DURATION", converter = Durations.class, description = "CPU-time budget per delta (default: 10s); past it the release publishes without that delta.")
  Duration deltaTimeout = DeltaBudget.DEFAULT.maxTime();

  @Option(names = "--no-deltas", description = "Publish without deltas.")
  boolean noDeltas;

  @Option(names = "--codepush", description = "Also build the zip react-native-code-push clients download (served by 'serve --codepush-deployment').")
  boolean codePush;

  @Option(names = "--codepush-bundle-name", paramLabel = "NAME",
      description = "The bundle's file name in the CodePush package: the one the app loads (default: main.jsbundle on iOS, index.android.bundle on Android).")
  String codePushBundleName;

  @Option(names = "--codepush-signing-key", paramLabel = "FILE",
      description = "PKCS#8 PEM RSA key (2048+ bits) that signs the CodePush package (.codepushrelease), for apps with a CodePushPublicKey.")
  Path codePushSigningKey;

  @Override
  public Integer call() throws IOException {
    ProgressPrinter progress = new ProgressPrinter(spec.commandLine().getErr());
    String id = releaseId != null ? releaseId : ReleaseRequest.defaultReleaseId(version, versionCode);
    if ((bundle == null) == (expoExport == null)) {
      throw new Cli.UsageError("give the launch bundle with --bundle FILE or --expo-export DIR (one of them)");
    }
    if (expoExport != null && (assets != null || !expo.enabled())) {
      throw new Cli.UsageError("--expo-export takes the assets from metadata.json (no --assets) and needs --expo-asset-base-url");
    }
    expo.validate();
    AssetSource launch;
    List<AssetSource> releaseFiles;
    if (expoExport != null) {
      ExpoExport export;
      try {
        export = ExpoExport.read(expoExport, channel.platform);
      } catch (ExpoException e) {
        throw new Cli.UsageError("--expo-export: " + e.getMessage());
      }
      launch = new AssetSource(export.bundlePath(), "application/javascript", FileSource.of(export.bundle().toString()));
      releaseFiles = export.assets().stream().map(a -> new AssetSource(a.path(), ContentTypes.forPath(a.path()), FileSource.of(a.file().toString()))).toList();
    } else {
      launch = new AssetSource(bundle.getFileName().toString(), ContentTypes.forPath(bundle.toString()), FileSource.of(bundle.toString()));
      releaseFiles = assetSources();
    }
    Optional<CodePushOptions> codePushOptions = codePushOptions();
    Optional<byte[]> attestation = provenance.attestationBytes();
    var provenancePolicy = provenance.policy();
    ReleaseRequest request =
        new ReleaseRequest(
            channel.appId,
            channel.platform,
            id,
            version,
            versionCode,
            runtimeVersion,
            launch,
            releaseFiles,
            notes == null ? Map.of() : Map.of("notes", notes),
            codePushOptions);
    Signer signer = key.openSigner();
    Path work = Files.createTempDirectory("kivyx-ota-publish-");
    try (ArtifactStore target = store.open()) {
      progress.step("publishing " + id + " to " + target.describe() + " with key " + signer.kid());
      SourceFetcher fetcher =
          new SourceFetcher(
              work,
              SourceFetcher.defaultHttpClient(),
              bucket -> S3Clients.create(AwsEnvironment.settings(Optional.ofNullable(store.s3Endpoint), "S3"), store.s3PathStyle),
              1L << 30);
      ReleasePublisher publisher =
          new ReleasePublisher(
              target,
              signer,
              fetcher,
              noDeltas ? Optional.empty() : Optional.of(new Kvxd1DeltaMaker(new DeltaBudget(deltaTimeout, DeltaBudget.DEFAULT.maxMemoryBytes()))),
              VersionCodeRule.INCREASING,
              Clock.systemUTC(),
              progress,
              provenancePolicy);
      PublishedRelease release = publisher.publish(request, attestation);
      Optional<ExpoRelease> expoRelease = Optional.empty();
      if (expo.enabled()) {
        // before the index names the release, so a server never sees it without its Expo answer
        Optional<DeltaBudget> patches = noDeltas ? Optional.empty() : Optional.of(new DeltaBudget(deltaTimeout, DeltaBudget.DEFAULT.maxMemoryBytes()));
        expoRelease = Optional.of(new ExpoReleasePublisher(target, expo.builder(), expo.signing(), patches, progress).publish(release.manifest(), expo.expoClient()));
      }
      ChannelRelease entry =
          new ChannelRelease(
              id,
              versionCode,
              runtimeVersion,
              release.manifestRef(),
              new RolloutInfo(channel.channel + "/" + id, weight, mandatory, null),
              release.transparency());
      IndexUpdate update = index.updater(target, signer, progress).apply(channel.id(), ChannelChange.offer(entry));
      Documents documents = new Documents();
      var summary = documents.mapper().createObjectNode();
      summary.put("releaseId", id);
      summary.put("alreadyPublished", release.alreadyPublished());
      summary.put("manifest", release.manifestRef().url());
      summary.put("files", release.filesStored());
      summary.put("bytes", release.bytesStored());
      summary.put("deltas", release.manifest().deltas().size());
      release.transparencyEntry().ifPresent(t -> summary.put("logIndex", t.logIndex()).put("logEntry", t.url()));
      release.manifest().provenanceInfo().ifPresent(p -> summary.put("attestation", p.attestation().url()));
      release.manifest().codePushPackage().ifPresent(p -> summary.put("codePushPackageHash", p.packageHash()).put("codePushPackage", p.url()));
      summary.put("index", update.key());
      summary.put("indexVersion", update.index().version());
      summary.put("expiresAt", update.index().expiresAt());
      expoRelease.ifPresent(e -> summary.put("expoUpdateId", e.updateId()).put("expoPatches", e.patches().size()));
      spec.commandLine().getOut().println(new String(CanonicalJson.write(summary), StandardCharsets.UTF_8));
      return 0;
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private Optional<CodePushOptions> codePushOptions() {
    if (!codePush) {
      if (codePushBundleName != null || codePushSigningKey != null) {
        throw new Cli.UsageError((codePushBundleName != null ? "--codepush-bundle-name" : "--codepush-signing-key") + " needs --codepush");
      }
      return Optional.empty();
    }
    CodePushOptions options;
    try {
      options = codePushBundleName == null ? CodePushOptions.defaults(channel.platform) : new CodePushOptions(codePushBundleName);
    } catch (IllegalArgumentException e) {
      throw new Cli.UsageError("--codepush-bundle-name: " + e.getMessage());
    }
    if (codePushSigningKey == null) {
      return Optional.of(options);
    }
    try {
      return Optional.of(options.withSigningKey(CodeSigning.readKey(codePushSigningKey)));
    } catch (IllegalArgumentException | IOException e) {
      throw new Cli.UsageError("--codepush-signing-key: " + e.getMessage());
    }
  }

  private List<AssetSource> assetSources() throws IOException {
    return ReleaseFiles.assets(assets);
  }

}
