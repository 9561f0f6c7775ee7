package com.kivyx.ota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.store.Sha256;
import com.kivyx.ota.testing.S3TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** publish → rollout → verify through the command line, on a directory and on S3. */
class PublishCommandIT {
  @TempDir Path dir;
  private String out = "";
  private String err = "";

  private int run(String... args) {
    CliRun run = CliRun.of(args);
    out = run.out();
    err = run.err();
    return run.code();
  }

  private Path bundle(String name, long seed) throws Exception {
    return Files.write(dir.resolve(name), bundleBytes(seed));
  }

  private static byte[] bundleBytes(long seed) {
    byte[] data = new byte[20_000];
    new Random(seed).nextBytes(data);
    return data;
  }

  private String[] args(List<String> storeArgs, String... rest) {
    List<String> all = new ArrayList<>(List.of(rest));
    all.addAll(storeArgs);
    return all.toArray(String[]::new);
  }

  private void roundTrip(List<String> store) throws Exception {
    assertThat(run("keys", "generate", "--out", dir.resolve("keys").toString(), "--name", "ci-v1")).isZero();
    String key = dir.resolve("keys/ci-v1.key.pem").toString();
    String pub = dir.resolve("keys/ci-v1.pub.pem").toString();
    Path assets = dir.resolve("assets");
    Files.createDirectories(assets.resolve("img"));
    Files.write(assets.resolve("img/logo.png"), new byte[] {1, 2, 3, 4});
    String[] channel = {"--app", "com.kivyx.cli", "--platform", "ios", "--channel", "beta"};

    int code = run(args(store, concat(new String[] {"publish", "--key", key, "--version", "1.0.0", "--version-code", "1",
        "--runtime-version", "1.0.0", "--bundle", bundle("main.jsbundle", 1).toString(), "--assets", assets.toString(), "--notes", "first"}, channel)));
    assertThat(code).as(err.toString()).isZero();
    JsonNode first = new ObjectMapper().readTree(out.toString());
    assertThat(first.get("releaseId").asText()).isEqualTo("1.0.0-1");
    assertThat(first.get("indexVersion").asLong()).isEqualTo(1);
    assertThat(err.toString()).contains("stored assets/img/logo.png");

    code = run(args(store, concat(new String[] {"publish", "--key", key, "--version", "1.0.1", "--version-code", "2",
        "--runtime-version", "1.0.0", "--bundle", bundle("main.jsbundle", 2).toString(), "--weight", "12.5", "--mandatory"}, channel)));
    assertThat(code).as(err.toString()).isZero();
    assertThat(run(args(store, concat(new String[] {"rollout", "--key", key, "--release", "1.0.1-2", "--weight", "50"}, channel)))).isZero();
    assertThat(new ObjectMapper().readTree(out.toString()).get("indexVersion").asLong()).isEqualTo(3);

    assertThat(run(args(store, concat(new String[] {"verify", "--pubkey", pub}, channel)))).as(err.toString()).isZero();
    assertThat(out.toString()).startsWith("ok: index version 3").contains("2 release(s)");

    // The wrong key: nothing verifies.
    assertThat(run("keys", "generate", "--out", dir.resolve("keys").toString(), "--name", "other")).isZero();
    assertThat(run(args(store, concat(new String[] {"verify", "--pubkey", "ci-v1=" + dir.resolve("keys/other.pub.pem")}, channel)))).isEqualTo(1);
    assertThat(err.toString()).contains("BAD_SIGNATURE");

    assertThat(run(args(store, concat(new String[] {"rollout", "--key", key, "--release", "1.0.1-2", "--revoke"}, channel)))).isZero();
    assertThat(run(args(store, concat(new String[] {"verify", "--pubkey", pub}, channel)))).isZero();
    assertThat(out.toString()).contains("1 release(s)");

    // A lower version code is refused with a one-line reason.
    assertThat(run(args(store, concat(new String[] {"publish", "--key", key, "--version", "0.9.0", "--version-code", "1",
        "--runtime-version", "1.0.0", "--bundle", bundle("old.jsbundle", 3).toString()}, channel)))).isEqualTo(1);
    List<String> lines = err.toString().strip().lines().toList();
    assertThat(lines.get(lines.size() - 1)).startsWith("kivyx-ota: versionCode 1 is not higher than 2");
    assertThat(lines).filteredOn(l -> l.startsWith("kivyx-ota:")).hasSize(1);
  }

  private static String[] concat(String[] a, String[] b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }

  @Test
  void roundTripOnADirectoryStore() throws Exception {
    Path store = dir.resolve("store");
    roundTrip(List.of("--store", store.toString()));
    // Tampering with a blob the channel still offers (release 1.0.0-1's bundle; 1.0.1-2 was
    // revoked) makes verify fail and name it.
    Path blob = store.resolve("apps/com.kivyx.cli/blobs/sha256/" + Sha256.hex(bundleBytes(1)));
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length / 2] ^= 1;
    Files.write(blob, bytes);
    assertThat(run("verify", "--store", store.toString(), "--app", "com.kivyx.cli", "--platform", "ios", "--channel", "beta",
        "--pubkey", dir.resolve("keys/ci-v1.pub.pem").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("SHA-256").contains("problem(s)");
  }

  @Test
  void roundTripOnAnS3CompatibleServer() throws Exception {
    try (S3TestServer s3 = new S3TestServer(dir.resolve("s3"))) {
      System.setProperty("aws.region", "us-east-1");
      System.setProperty("aws.accessKeyId", S3TestServer.ACCESS_KEY);
      System.setProperty("aws.secretAccessKey", S3TestServer.SECRET_KEY);
      try {
        roundTrip(List.of("--store", "s3://" + S3TestServer.BUCKET + "/cli-test", "--s3-endpoint", s3.endpoint().toString(), "--s3-path-style"));
      } finally {
        System.clearProperty("aws.region");
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
      }
    }
  }

  @Test
  void usageMistakesAreOneLine() {
    assertThat(run("publish", "--store", "ftp://x", "--key", "k", "--app", "a", "--platform", "ios", "--channel", "c",
        "--version", "1", "--version-code", "1", "--runtime-version", "1", "--bundle", "b")).isNotZero();
    assertThat(run("rollout", "--store", dir.toString(), "--key", "k", "--app", "a", "--platform", "ios", "--channel", "c", "--weight", "101"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("from 0 to 100");
    assertThat(run("verify", "--store", dir.toString(), "--app", "a", "--platform", "windows", "--channel", "c", "--pubkey", "x")).isEqualTo(2);
  }
}
