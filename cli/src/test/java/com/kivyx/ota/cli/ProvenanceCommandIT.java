package com.kivyx.ota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.provenance.EcdsaDer;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.signing.PemKeys;
import com.kivyx.ota.store.Sha256;
import com.kivyx.ota.testing.RekorServer;
import com.kivyx.ota.transparency.HashedRekord;
import com.kivyx.ota.transparency.LoggedEntry;
import com.kivyx.ota.transparency.RekorV2Client;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** attest → publish (with a real Rekor v2 log) → audit, through the command line. */
class ProvenanceCommandIT {
  static final String INDEX = "apps/com.acme.app/android/production/index.cose";
  @TempDir Path dir;
  RekorServer rekor;
  String out = "";
  String err = "";
  Path store;
  Path logPub;

  @BeforeEach
  void start() throws Exception {
    rekor = RekorServer.start(Files.createDirectories(dir.resolve("rekor")));
    logPub = Files.writeString(dir.resolve("log.pub.pem"), PemKeys.publicKeyPem(rekor.publicKey()));
    store = dir.resolve("store");
    assertThat(run("keys", "generate", "--out", dir.resolve("keys").toString(), "--name", "release")).isZero();
    assertThat(run("keys", "generate", "--out", dir.resolve("keys").toString(), "--name", "ci-builder")).isZero();
    assertThat(run("keys", "generate", "--out", dir.resolve("keys").toString(), "--name", "stranger")).isZero();
    Files.writeString(dir.resolve("index.android.bundle"), "console.log('built by CI');");
    Files.createDirectories(dir.resolve("assets/img"));
    Files.write(dir.resolve("assets/img/logo.png"), new byte[] {1, 2, 3});
  }

  @AfterEach
  void stop() throws Exception {
    rekor.close();
  }

  int run(String... args) {
    CliRun run = CliRun.of(args);
    out = run.out();
    err = run.err();
    return run.code();
  }

  String key(String name) {
    return dir.resolve("keys/" + name + ".key.pem").toString();
  }

  String pub(String name) {
    return dir.resolve("keys/" + name + ".pub.pem").toString();
  }

  int attest(String keyName, Path bundle, Path outFile) {
    return run("attest", "--key", key(keyName), "--bundle", bundle.toString(), "--assets", dir.resolve("assets").toString(),
        "--builder-id", "https://ci.example/acme/app/ota.yml@refs/heads/main", "--source-repo", "https://git.example/acme/app",
        "--source-commit", "0123456789abcdef0123456789abcdef01234567", "--build-command", "npx react-native bundle", "--out", outFile.toString());
  }

  int publish(String versionCode, String... extra) {
    List<String> args = new ArrayList<>(List.of("publish", "--store", store.toString(), "--key", key("release"), "--app", "com.acme.app",
        "--platform", "android", "--channel", "production", "--version", "1.0." + versionCode, "--version-code", versionCode,
        "--runtime-version", "1.0.0", "--bundle", dir.resolve("index.android.bundle").toString(), "--assets", dir.resolve("assets").toString(),
        "--no-deltas", "--provenance", "required", "--builder-pubkey", pub("ci-builder"),
        "--rekor-url", rekor.baseUrl().toString(), "--rekor-pubkey", logPub.toString()));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  int audit() {
    return run("audit", "--store", store.toString(), "--app", "com.acme.app", "--log", rekor.storageDir().toString(), "--log-origin",
        RekorServer.ORIGIN, "--log-pubkey", logPub.toString(), "--pubkey", pub("release"), "--pubkey", pub("ci-builder"));
  }

  @Test
  void anAttestedReleaseIsPublishedLoggedAndAuditedAndAKeyUsedOutsideThePipelineIsReported() throws Exception {
    Path attestation = dir.resolve("attestation.json");
    assertThat(attest("ci-builder", dir.resolve("index.android.bundle"), attestation)).as(err.toString()).isZero();
    assertThat(new ObjectMapper().readTree(out.toString()).get("subjects").asInt()).isEqualTo(2);

    assertThat(publish("1", "--attestation", attestation.toString())).as(err.toString()).isZero();
    JsonNode summary = new ObjectMapper().readTree(out.toString());
    assertThat(summary.has("logIndex")).isTrue();
    assertThat(summary.get("attestation").asText()).startsWith("apps/com.acme.app/blobs/sha256/");
    assertThat(err.toString()).contains("logged the attestation").contains("logged the manifest");
    JsonNode index = readIndexPayload();
    assertThat(index.path("releases").get(0).path("transparency").path("logIndex").asLong()).isEqualTo(summary.get("logIndex").asLong());

    // Everything our keys signed is a published release or attestation.
    assertThat(audit()).as(err.toString()).isZero();
    JsonNode report = new ObjectMapper().readTree(out.toString());
    assertThat(report.get("ourEntries").asInt()).isEqualTo(2);
    assertThat(report.get("unknown")).isEmpty();

    // Someone with the release key logs a signature of something we never published.
    LocalKeySigner thief = new LocalKeySigner("release", PemKeys.privateKey(Files.readString(Path.of(key("release")))));
    byte[] evil = "an evil manifest".getBytes(StandardCharsets.UTF_8);
    LoggedEntry stolen = new RekorV2Client(rekor.baseUrl(), rekor.logKey(), new Documents().mapper(), Duration.ofSeconds(20), 1, Duration.ofMillis(10))
        .log(new HashedRekord(Sha256.newDigest().digest(evil), EcdsaDer.fromRs(thief.sign(evil)), thief.publicKey().getEncoded()));
    assertThat(audit()).isEqualTo(1);
    report = new ObjectMapper().readTree(out.toString());
    assertThat(report.get("unknown")).hasSize(1);
    assertThat(report.get("unknown").get(0).get("logIndex").asLong()).isEqualTo(stolen.logIndex());
    assertThat(report.get("unknown").get(0).get("key").asText()).isEqualTo("release");
    assertThat(err.toString()).contains("match no published release");
  }

  @Test
  void publishRefusesAMissingAttestationAnUnknownBuilderAndOtherBytes() throws Exception {
    assertThat(publish("1")).isEqualTo(1);
    assertThat(err.toString()).contains("no attestation");

    Path strangers = dir.resolve("stranger.json");
    assertThat(attest("stranger", dir.resolve("index.android.bundle"), strangers)).isZero();
    assertThat(publish("1", "--attestation", strangers.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("UNKNOWN_BUILDER");

    Path other = Files.writeString(dir.resolve("other/index.android.bundle".replace("/", "-")), "console.log('not what was published');");
    Path forOther = dir.resolve("other.json");
    assertThat(attest("ci-builder", other, forOther)).isZero();
    assertThat(publish("1", "--attestation", forOther.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("SUBJECT_MISMATCH");
    assertThat(Files.exists(store.resolve(INDEX))).isFalse();
  }

  @Test
  void argumentsAreCheckedBeforeAnyWork() {
    assertThat(run("attest", "--key", key("ci-builder"), "--bundle", dir.resolve("index.android.bundle").toString(), "--builder-id", "x",
        "--source-repo", "y", "--source-commit", "main", "--build-command", "z", "--out", dir.resolve("a.json").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("source commit");
    assertThat(publish("1", "--transparency", "sometimes")).isEqualTo(2);
    assertThat(run("publish", "--store", store.toString(), "--key", key("release"), "--app", "com.acme.app", "--platform", "android",
        "--channel", "production", "--version", "1.0.0", "--version-code", "1", "--runtime-version", "1.0.0",
        "--bundle", dir.resolve("index.android.bundle").toString(), "--rekor-url", "http://localhost:1")).isEqualTo(2);
    assertThat(err.toString()).contains("--rekor-pubkey");
    assertThat(run("audit", "--help")).isZero();
    assertThat(run("attest", "--help")).isZero();
  }

  JsonNode readIndexPayload() throws Exception {
    Path index = store.resolve(INDEX);
    byte[] payload = com.kivyx.ota.signing.CoseSign1.payloadOfAuthenticated(Files.readAllBytes(index));
    return new ObjectMapper().readTree(payload);
  }
}
