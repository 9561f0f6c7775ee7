package com.kivyx.ota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.KeySet;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.keys.KeySetLoader;
import com.kivyx.ota.keys.KeySetVerifier;
import com.kivyx.ota.signing.PemKeys;
import com.kivyx.ota.store.DirectoryStore;
import com.kivyx.ota.store.StoreLayout;
import com.kivyx.ota.verify.ChannelVerifier;
import com.kivyx.ota.verify.DocumentRejectedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keys root / rotate / revoke / resign through the command line, on a directory store, judged by the core verifiers. */
class KeySetCommandsTest {
  private static final String APP = "com.kivyx.keys";
  private static final ChannelId CHANNEL = new ChannelId(APP, Platform.ANDROID, "production");
  @TempDir Path dir;
  private String out = "";
  private String err = "";
  private String store;

  private int run(String... args) {
    CliRun run = CliRun.of(args);
    out = run.out();
    err = run.err();
    return run.code();
  }

  private String key(String name) {
    return dir.resolve("keys/" + name + ".key.pem").toString();
  }

  private String pub(String name) {
    return dir.resolve("keys/" + name + ".pub.pem").toString();
  }

  private String[] with(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--store", store, "--app", APP));
    return all.toArray(String[]::new);
  }

  private String[] channel(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--store", store, "--app", APP, "--platform", "android", "--channel", "production"));
    return all.toArray(String[]::new);
  }

  @BeforeEach
  void keys() {
    store = dir.resolve("store").toString();
    for (String name : List.of("root-v1", "root-v2", "prod-v1", "prod-v2")) {
      assertThat(run("keys", "generate", "--out", dir.resolve("keys").toString(), "--name", name)).isZero();
    }
  }

  private KeySet trusted(String root) throws Exception {
    var pinned = Map.of(root, PemKeys.publicKey(Files.readString(Path.of(pub(root)))));
    return new KeySetLoader(new DirectoryStore(Path.of(store)), new KeySetVerifier(APP, pinned)).load(Optional.empty(), Instant.now());
  }

  private byte[] index() throws Exception {
    return Files.readAllBytes(Path.of(store).resolve(StoreLayout.index(CHANNEL)));
  }

  @Test
  void rotateRevokeAndResignKeepTheChannelVerifiableFromTheRoot() throws Exception {
    assertThat(run(with("keys", "root", "init", "--root-key", key("root-v1"), "--signing-pubkey", pub("prod-v1")))).as(err.toString()).isZero();
    assertThat(new ObjectMapper().readTree(out.toString()).get("version").asLong()).isEqualTo(1);
    Path bundle = Files.write(dir.resolve("index.android.bundle"), "console.log('v1')".getBytes());
    assertThat(run(channel("publish", "--key", key("prod-v1"), "--version", "1.0.0", "--version-code", "1", "--runtime-version", "1.0.0",
        "--bundle", bundle.toString()))).as(err.toString()).isZero();
    assertThat(run(channel("verify", "--trust-root", pub("root-v1")))).as(err.toString()).isZero();
    byte[] signedByV1 = index();

    assertThat(run(with("keys", "rotate", "--root-key", key("root-v1"), "--new-pubkey", pub("prod-v2")))).as(err.toString()).isZero();
    assertThat(trusted("root-v1").keys()).extracting(KeySet.SigningKey::kid).containsExactly("prod-v1", "prod-v2");
    // A key not in the key set may not re-sign; the new one may.
    assertThat(run(channel("keys", "resign", "--key", key("root-v2"), "--trust-root", pub("root-v1")))).isEqualTo(2);
    assertThat(err.toString()).contains("not in key set version 2");

    assertThat(run(with("keys", "revoke", "--root-key", key("root-v1"), "--kid", "prod-v1", "--resign-key", key("prod-v2"),
        "--resign-channel", "android/production"))).as(err.toString()).isZero();
    KeySet afterRevoke = trusted("root-v1");
    assertThat(afterRevoke.version()).isEqualTo(3);
    assertThat(afterRevoke.keys()).extracting(KeySet.SigningKey::kid).containsExactly("prod-v2");
    assertThat(err.toString()).contains("manifest re-signed with prod-v2");
    // The device's view: the old index (and what the revoked key signed) is refused, the re-signed channel passes.
    ChannelVerifier device = new ChannelVerifier(afterRevoke.keysValidAt(Instant.now()));
    try {
      device.openIndex(CHANNEL, signedByV1);
      throw new AssertionError("an index signed by the revoked key was accepted");
    } catch (DocumentRejectedException e) {
      assertThat(e.reason()).isEqualTo(DocumentRejectedException.Reason.SIGNATURE);
    }
    assertThat(device.openIndex(CHANNEL, index()).releases()).hasSize(1);
    assertThat(run(channel("verify", "--trust-root", pub("root-v1")))).as(err.toString()).isZero();
    assertThat(run(channel("verify", "--pubkey", pub("prod-v1")))).isEqualTo(1);

    // Publishing goes on with the new key.
    Path bundle2 = Files.write(dir.resolve("index.android.bundle"), "console.log('v2')".getBytes());
    assertThat(run(channel("publish", "--key", key("prod-v2"), "--version", "1.0.1", "--version-code", "2", "--runtime-version", "1.0.0",
        "--bundle", bundle2.toString()))).as(err.toString()).isZero();
    assertThat(run(channel("verify", "--trust-root", pub("root-v1")))).as(err.toString()).isZero();
  }

  @Test
  void aRootRotationNeedsTheOldRootAndThenOnlyTheNewOneSigns() throws Exception {
    assertThat(run(with("keys", "root", "init", "--root-key", key("root-v1"), "--signing-pubkey", pub("prod-v1")))).isZero();
    assertThat(run(with("keys", "root", "rotate-root", "--root-key", key("root-v1"), "--new-root-pubkey", pub("root-v2")))).as(err.toString()).isZero();
    // root-v1 may no longer sign.
    assertThat(run(with("keys", "root", "renew", "--root-key", key("root-v1")))).isEqualTo(1);
    assertThat(err.toString()).contains("not a root of key set version 2");
    // root-v2 alone cannot reach the chain's start: it needs the first root as trust anchor.
    assertThat(run(with("keys", "root", "renew", "--root-key", key("root-v2")))).isEqualTo(2);
    assertThat(err.toString()).contains("--trust-root");
    assertThat(run(with("keys", "root", "renew", "--root-key", key("root-v2"), "--trust-root", pub("root-v1")))).as(err.toString()).isZero();
    KeySet v3 = trusted("root-v1");
    assertThat(v3.version()).isEqualTo(3);
    assertThat(v3.roots()).extracting(KeySet.RootKey::kid).containsExactly("root-v2");
  }

  @Test
  void argumentsAreCheckedBeforeAnyWork() throws Exception {
    assertThat(run(with("keys", "revoke", "--root-key", key("root-v1"), "--kid", "prod-v1", "--resign-key", key("prod-v2")))).isEqualTo(2);
    assertThat(err.toString()).contains("--resign-key and --resign-channel go together");
    assertThat(run(with("keys", "root", "init", "--root-key", key("root-v1"), "--signing-pubkey", pub("prod-v1"), "--expires-in", "1m"))).isEqualTo(2);
    assertThat(err.toString()).contains("--expires-in");
    assertThat(run("keys", "root", "init", "--store", store, "--app", "bad app", "--root-key", key("root-v1"), "--signing-pubkey", pub("prod-v1"))).isEqualTo(2);
    assertThat(run(with("keys", "rotate", "--root-key", key("root-v1"), "--new-pubkey", pub("prod-v2")))).isEqualTo(2);
    assertThat(err.toString()).contains("no key set");
    assertThat(Files.exists(Path.of(store).resolve(StoreLayout.keySet(APP)))).isFalse();
    for (String[] help : List.of(new String[] {"keys", "root", "--help"}, new String[] {"keys", "root", "init", "--help"},
        new String[] {"keys", "rotate", "--help"}, new String[] {"keys", "revoke", "--help"}, new String[] {"keys", "resign", "--help"})) {
      assertThat(run(help)).isZero();
      assertThat(out.toString()).contains("Usage:");
    }
  }
}
