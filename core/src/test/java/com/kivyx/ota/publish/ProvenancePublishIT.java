package com.kivyx.ota.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.format.LogEntryRef;
import com.kivyx.ota.format.Provenance;
import com.kivyx.ota.provenance.BuildDescription;
import com.kivyx.ota.provenance.Dsse;
import com.kivyx.ota.provenance.ProvenanceStatement;
import com.kivyx.ota.provenance.Subject;
import com.kivyx.ota.signing.CoseSign1;
import com.kivyx.ota.signing.Es256;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.store.DirectoryStore;
import com.kivyx.ota.store.Sha256;
import com.kivyx.ota.testing.Pipeline;
import com.kivyx.ota.testing.RekorServer;
import com.kivyx.ota.testing.TestKeys;
import com.kivyx.ota.transparency.LogEntryVerifier;
import com.kivyx.ota.transparency.LogKey;
import com.kivyx.ota.transparency.RekorV2Client;
import com.kivyx.ota.transparency.TransparencyLog;
import com.kivyx.ota.verify.ChannelVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing with an attestation and a real Rekor v2 log: what is stored, what is refused. */
class ProvenancePublishIT {
  @TempDir static Path logDir;
  @TempDir Path work;
  static RekorServer server;
  static final ObjectMapper MAPPER = new Documents().mapper();
  static final LocalKeySigner BUILDER = TestKeys.signer("ci-builder");
  static final BuildDescription BUILD =
      new BuildDescription("https://ci.example/acme/app/ota.yml@refs/heads/main", "https://git.example/acme/app",
          "0123456789abcdef0123456789abcdef01234567", "npx react-native bundle", Optional.empty());

  Pipeline pipeline;
  Path bundle;

  @BeforeAll
  static void start() throws Exception {
    server = RekorServer.start(logDir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    pipeline = new Pipeline(new DirectoryStore(work.resolve("store")), TestKeys.signer("release"), work);
    bundle = work.resolve("index.android.bundle");
    Files.writeString(bundle, "console.log('release " + System.nanoTime() + "');");
  }

  TransparencyLog log(RekorServer s) {
    return new RekorV2Client(s.baseUrl(), s.logKey(), MAPPER, Duration.ofSeconds(20), 3, Duration.ofMillis(50));
  }

  ReleasePublisher publisher(ProvenancePolicy policy) {
    return new ReleasePublisher(
        pipeline.store, pipeline.signer, new SourceFetcher(work, SourceFetcher.defaultHttpClient(), b -> { throw new AssertionError(); }, 1L << 30),
        Optional.empty(), VersionCodeRule.INCREASING, pipeline.clock, Progress.SILENT, policy);
  }

  ProvenancePolicy required() {
    return new ProvenancePolicy(
        ProvenancePolicy.Requirement.REQUIRED, Map.of("ci-builder", BUILDER.publicKey()), Optional.of(log(server)), ProvenancePolicy.Requirement.REQUIRED);
  }

  byte[] attestation(LocalKeySigner signer, String bundleSha) {
    byte[] statement = ProvenanceStatement.write(List.of(new Subject("index.android.bundle", bundleSha)), BUILD, "test", MAPPER);
    return Dsse.sign(signer, Dsse.IN_TOTO_PAYLOAD_TYPE, statement).toJson(MAPPER);
  }

  byte[] read(String key) {
    return pipeline.store.read(key).orElseThrow().bytes();
  }

  @Test
  void anAttestedReleaseIsLoggedAndEveryLogAnswerIsStoredAndVerifies() throws Exception {
    byte[] attestation = attestation(BUILDER, Sha256.hex(bundle));
    PublishedRelease release = publisher(required()).publish(Pipeline.request("r1", 1, bundle, List.of()), Optional.of(attestation));

    Provenance provenance = release.manifest().provenanceInfo().orElseThrow();
    assertThat(read(provenance.attestation().url())).isEqualTo(attestation);
    assertThat(provenance.sourceCommit()).isEqualTo(BUILD.sourceCommit());
    assertThat(provenance.builderId()).isEqualTo(BUILD.builderId());
    LogEntryVerifier verifier = new LogEntryVerifier(List.of(server.logKey()), MAPPER);

    // The attestation's entry: SHA-256 of the DSSE PAE, the envelope's signature, the builder's key.
    LogEntryRef attestationEntry = provenance.attestationLogEntry();
    byte[] attestationTle = read(attestationEntry.url());
    assertThat(Sha256.hex(attestationTle)).isEqualTo(attestationEntry.sha256());
    Dsse.Envelope envelope = Dsse.read(attestation, MAPPER);
    verifier.verify(attestationTle, new LogEntryVerifier.Expected(
        Sha256.newDigest().digest(envelope.pae()), Es256.derToRs(envelope.signatureDer()), BUILDER.publicKey().getEncoded()));

    // The manifest's entry: SHA-256 of the COSE Sig_structure, the COSE signature, the release key.
    LogEntryRef manifestEntry = release.transparencyEntry().orElseThrow();
    byte[] cose = read(release.manifestRef().url());
    byte[] payload = CoseSign1.payloadOfAuthenticated(cose);
    byte[] tbs = CoseSign1.toBeSigned(CoseSign1.protectedHeader(com.kivyx.ota.format.ReleaseManifest.CONTENT_TYPE, "release"), payload);
    byte[] sig = java.util.Arrays.copyOfRange(cose, cose.length - 64, cose.length);
    var logged = verifier.verify(read(manifestEntry.url()), new LogEntryVerifier.Expected(
        Sha256.newDigest().digest(tbs), sig, pipeline.signer.publicKey().getEncoded()));
    assertThat(logged.logIndex()).isEqualTo(manifestEntry.logIndex()).isGreaterThan(attestationEntry.logIndex());

    // The index entry names the manifest's log entry, and the signed index round-trips it.
    var m = release.manifest();
    var update = pipeline.updater().apply(Pipeline.CHANNEL_ID, ChannelChange.offer(new ChannelRelease(
        m.releaseId(), m.versionCode(), m.runtimeVersion(), release.manifestRef(), Pipeline.fullRollout("production/r1"), manifestEntry)));
    ChannelIndex index = new ChannelVerifier(Map.of("release", pipeline.signer.publicKey())).openIndex(Pipeline.CHANNEL_ID, update.cose());
    assertThat(index.releases().get(0).transparency()).isEqualTo(manifestEntry);
    // and a weight change keeps it
    var reweighted = pipeline.updater().apply(Pipeline.CHANNEL_ID, ChannelChange.setWeight("r1", 5000));
    assertThat(reweighted.index().releases().get(0).transparency()).isEqualTo(manifestEntry);

    // Publishing the same again logs nothing new (the log would answer 409 with no proof) and names the same entry.
    PublishedRelease again = publisher(required()).publish(Pipeline.request("r1", 1, bundle, List.of()), Optional.of(attestation));
    assertThat(again.alreadyPublished()).isTrue();
    assertThat(again.transparency()).isEqualTo(manifestEntry);
  }

  @Test
  void withoutAnAttestationARequiredPolicyPublishesNothing() {
    assertThatThrownBy(() -> publisher(required()).publish(Pipeline.request("r1", 1, bundle, List.of()), Optional.empty()))
        .isInstanceOf(PublishException.class).hasMessageContaining("no attestation");
    assertThat(new ReleaseRecords(pipeline.store).find(Pipeline.APP, Pipeline.PLATFORM, "r1")).isEmpty();
  }

  @Test
  void anAttestationFromAnUnknownBuilderKeyIsRefused() {
    byte[] attestation = attestation(TestKeys.signer("not-our-ci"), Sha256.hex(bundle));
    assertThatThrownBy(() -> publisher(required()).publish(Pipeline.request("r1", 1, bundle, List.of()), Optional.of(attestation)))
        .isInstanceOf(PublishException.class).hasMessageContaining("UNKNOWN_BUILDER");
    assertThat(new ReleaseRecords(pipeline.store).find(Pipeline.APP, Pipeline.PLATFORM, "r1")).isEmpty();
  }

  @Test
  void anAttestationForOtherBytesIsRefused() {
    byte[] attestation = attestation(BUILDER, Sha256.hex("some other bundle".getBytes()));
    assertThatThrownBy(() -> publisher(required()).publish(Pipeline.request("r1", 1, bundle, List.of()), Optional.of(attestation)))
        .isInstanceOf(PublishException.class).hasMessageContaining("SUBJECT_MISMATCH");
  }

  @Test
  void whenTheLogIsDownARequiredLogBlocksTheReleaseAndAnOptionalOneDoesNot() throws Exception {
    RekorServer down = RekorServer.start(Files.createDirectories(work.resolve("down-log")));
    TransparencyLog unreachable = log(down);
    down.close();
    AtomicInteger calls = new AtomicInteger();
    TransparencyLog counting = e -> {
      calls.incrementAndGet();
      return unreachable.log(e);
    };
    ProvenancePolicy requiredLog =
        new ProvenancePolicy(ProvenancePolicy.Requirement.OPTIONAL, Map.of(), Optional.of(counting), ProvenancePolicy.Requirement.REQUIRED);
    assertThatThrownBy(() -> publisher(requiredLog).publish(Pipeline.request("r1", 1, bundle, List.of())))
        .isInstanceOf(PublishException.class).hasMessageContaining("could not be logged").hasMessageContaining("after 3 attempt(s)");
    assertThat(new ReleaseRecords(pipeline.store).find(Pipeline.APP, Pipeline.PLATFORM, "r1")).isEmpty();
    assertThat(calls).hasValue(1);

    ProvenancePolicy bestEffort =
        new ProvenancePolicy(ProvenancePolicy.Requirement.OPTIONAL, Map.of(), Optional.of(counting), ProvenancePolicy.Requirement.OPTIONAL);
    PublishedRelease release = publisher(bestEffort).publish(Pipeline.request("r1", 1, bundle, List.of()));
    assertThat(release.transparencyEntry()).isEmpty();
    assertThat(new ReleaseRecords(pipeline.store).find(Pipeline.APP, Pipeline.PLATFORM, "r1")).isPresent();
  }

  @Test
  void aLogAnswerSignedByAnotherKeyIsNotStored() {
    LogKey wrongPin = new LogKey(RekorServer.ORIGIN, TestKeys.signer("another log").publicKey());
    TransparencyLog misPinned = new RekorV2Client(server.baseUrl(), wrongPin, MAPPER, Duration.ofSeconds(20), 1, Duration.ofMillis(10));
    ProvenancePolicy policy =
        new ProvenancePolicy(ProvenancePolicy.Requirement.OPTIONAL, Map.of(), Optional.of(misPinned), ProvenancePolicy.Requirement.REQUIRED);
    assertThatThrownBy(() -> publisher(policy).publish(Pipeline.request("r1", 1, bundle, List.of())))
        .isInstanceOf(PublishException.class).hasMessageContaining("pinned");
    assertThat(new ReleaseRecords(pipeline.store).find(Pipeline.APP, Pipeline.PLATFORM, "r1")).isEmpty();
  }
}
