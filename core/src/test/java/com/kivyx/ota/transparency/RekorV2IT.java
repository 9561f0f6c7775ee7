package com.kivyx.ota.transparency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.provenance.EcdsaDer;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.store.Sha256;
import com.kivyx.ota.testing.RekorServer;
import com.kivyx.ota.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our Rekor v2 client and verifier against a real rekor-tiles server. */
class RekorV2IT {
  @TempDir static Path dir;
  static RekorServer server;
  static final ObjectMapper MAPPER = new Documents().mapper();
  static final LocalKeySigner RELEASE_KEY = TestKeys.signer("release-2026");

  @BeforeAll
  static void start() throws Exception {
    server = RekorServer.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  RekorV2Client client() {
    return new RekorV2Client(server.baseUrl(), server.logKey(), MAPPER, Duration.ofSeconds(20), 3, Duration.ofMillis(100));
  }

  static HashedRekord signed(String document) {
    byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
    return new HashedRekord(Sha256.newDigest().digest(bytes), EcdsaDer.fromRs(RELEASE_KEY.sign(bytes)), RELEASE_KEY.publicKey().getEncoded());
  }

  static LogEntryVerifier.Expected expected(HashedRekord entry) {
    return new LogEntryVerifier.Expected(entry.digest(), com.kivyx.ota.signing.Es256.derToRs(entry.signatureDer()), entry.signerSpki());
  }

  @Test
  void uploadsAndTheAnswerProvesInclusionUnderThePinnedKey() throws Exception {
    HashedRekord entry = signed("manifest one " + System.nanoTime());
    LoggedEntry logged = client().log(entry);
    assertThat(logged.origin()).isEqualTo(RekorServer.ORIGIN);
    assertThat(logged.logIndex()).isLessThan(logged.treeSize());
    assertThat(logged.body()).isEqualTo(entry);
    LoggedEntry again = new LogEntryVerifier(List.of(server.logKey()), MAPPER).verify(logged.json(), expected(entry));
    assertThat(again.logIndex()).isEqualTo(logged.logIndex());
  }

  @Test
  void severalEntriesEachVerifyAgainstTheirOwnCheckpoint() throws Exception {
    LogEntryVerifier verifier = new LogEntryVerifier(List.of(server.logKey()), MAPPER);
    List<LoggedEntry> logged = new ArrayList<>();
    List<HashedRekord> entries = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      HashedRekord e = signed("manifest " + i + " " + System.nanoTime());
      entries.add(e);
      logged.add(client().log(e));
    }
    for (int i = 0; i < 5; i++) {
      assertThat(verifier.verify(logged.get(i).json(), expected(entries.get(i))).logIndex()).isEqualTo(logged.get(i).logIndex());
    }
    assertThat(logged.get(4).treeSize()).isGreaterThan(logged.get(0).logIndex() + 4);
  }

  @Test
  void aDuplicateIsAnsweredWithItsIndexAndNoProof() {
    HashedRekord entry = signed("duplicate " + System.nanoTime());
    LoggedEntry first = client().log(entry);
    assertThatThrownBy(() -> client().log(entry))
        .isInstanceOfSatisfying(DuplicateEntryException.class, e -> assertThat(e.logIndex()).hasValue(first.logIndex()));
  }

  @Test
  void theTreeSurvivesARestartAndOldAndNewEntriesVerify() throws Exception {
    HashedRekord before = signed("before restart " + System.nanoTime());
    LoggedEntry old = client().log(before);
    server.restart();
    HashedRekord after = signed("after restart " + System.nanoTime());
    LoggedEntry fresh = client().log(after);
    assertThat(fresh.logIndex()).isGreaterThan(old.logIndex());
    LogEntryVerifier verifier = new LogEntryVerifier(List.of(server.logKey()), MAPPER);
    verifier.verify(old.json(), expected(before));
    verifier.verify(fresh.json(), expected(after));
  }

  @Test
  void everyTamperedAnswerIsRefusedForItsReason() throws Exception {
    HashedRekord entry = signed("tamper target " + System.nanoTime());
    client().log(signed("a neighbour, so the proof has hashes " + System.nanoTime()));
    LoggedEntry logged = client().log(entry);
    LogEntryVerifier verifier = new LogEntryVerifier(List.of(server.logKey()), MAPPER);
    Map<String, TamperedEntries.Tampered> attacks = TamperedEntries.of(logged.json(), server.logKey(), TestKeys.signer("attacker"), MAPPER);
    assertThat(attacks).containsKey("proof hash flipped");
    attacks.forEach((name, attack) ->
        assertThatThrownBy(() -> verifier.verify(attack.json(), expected(entry)))
            .as(name)
            .isInstanceOfSatisfying(LogEntryRejectedException.class, e -> assertThat(e.reason()).as(name).isEqualTo(attack.reason())));
  }

  @Test
  void anEntryForAnotherDocumentOrSignerIsRefused() {
    HashedRekord entry = signed("the real manifest " + System.nanoTime());
    LoggedEntry logged = client().log(entry);
    LogEntryVerifier verifier = new LogEntryVerifier(List.of(server.logKey()), MAPPER);
    HashedRekord other = signed("another manifest");
    assertThatThrownBy(() -> verifier.verify(logged.json(), expected(other)))
        .isInstanceOfSatisfying(LogEntryRejectedException.class, e -> assertThat(e.reason()).isEqualTo(LogEntryRejectedException.Reason.WRONG_ENTRY));
    LocalKeySigner otherKey = TestKeys.signer("someone else");
    var otherSigner = new LogEntryVerifier.Expected(entry.digest(), com.kivyx.ota.signing.Es256.derToRs(entry.signatureDer()), otherKey.publicKey().getEncoded());
    assertThatThrownBy(() -> verifier.verify(logged.json(), otherSigner))
        .isInstanceOfSatisfying(LogEntryRejectedException.class, e -> assertThat(e.reason()).isEqualTo(LogEntryRejectedException.Reason.WRONG_ENTRY));
  }

  @Test
  void anAnswerFromALogThatIsNotPinnedIsRefused() {
    HashedRekord entry = signed("pinned? " + System.nanoTime());
    LoggedEntry logged = client().log(entry);
    LogKey impostor = new LogKey(RekorServer.ORIGIN, TestKeys.signer("another log").publicKey());
    assertThatThrownBy(() -> new LogEntryVerifier(List.of(impostor), MAPPER).verify(logged.json(), expected(entry)))
        .isInstanceOfSatisfying(LogEntryRejectedException.class, e -> assertThat(e.reason()).isEqualTo(LogEntryRejectedException.Reason.CHECKPOINT_SIGNATURE));
    // The client itself refuses to hand back an answer it cannot verify against its pin.
    RekorV2Client misPinned = new RekorV2Client(server.baseUrl(), impostor, MAPPER, Duration.ofSeconds(20), 1, Duration.ofMillis(10));
    assertThatThrownBy(() -> misPinned.log(signed("mis-pinned " + System.nanoTime())))
        .isInstanceOf(TransparencyLogException.class).hasMessageContaining("pinned");
  }

  @Test
  void aLogThatIsDownFailsAfterBoundedRetries() throws Exception {
    Path other = Files.createDirectories(dir.resolve("down"));
    RekorServer down = RekorServer.start(other);
    java.net.URI url = down.baseUrl();
    LogKey key = down.logKey();
    down.close();
    long start = System.nanoTime();
    RekorV2Client client = new RekorV2Client(url, key, MAPPER, Duration.ofSeconds(2), 3, Duration.ofMillis(50));
    assertThatThrownBy(() -> client.log(signed("nobody listens")))
        .isInstanceOf(TransparencyLogException.class)
        .hasMessageContaining("after 3 attempt(s)");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }
}
