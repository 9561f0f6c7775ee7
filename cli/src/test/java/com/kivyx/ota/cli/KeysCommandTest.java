package com.kivyx.ota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.signing.P256;
import com.kivyx.ota.signing.PemKeys;
import com.kivyx.ota.testing.FakeKms;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.ECPublicKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KeysCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = Cli.newCommandLine(new KivyxOta());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void generateWritesAPrivateKeyOnlyTheOwnerCanRead(@TempDir Path dir) throws Exception {
    assertThat(run("keys", "generate", "--out", dir.toString(), "--name", "prod-v1")).isZero();
    Path privateFile = dir.resolve("prod-v1.key.pem");
    Path publicFile = dir.resolve("prod-v1.pub.pem");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateFile))).isEqualTo("rw-------");
    JsonNode printed = new ObjectMapper().readTree(out.toString());
    assertThat(printed.get("kid").asText()).isEqualTo("prod-v1");
    ECPublicKey publicKey = PemKeys.publicKey(Files.readString(publicFile));
    assertThat(printed.get("publicKeyHex").asText()).isEqualTo(P256.rawHex(publicKey));
    assertThat(PemKeys.publicKeyOf(PemKeys.privateKey(Files.readString(privateFile)))).isEqualTo(publicKey);

    out.getBuffer().setLength(0);
    assertThat(run("keys", "show", "--key", privateFile.toString())).isZero();
    assertThat(out.toString().trim()).isEqualTo(printed.toString());
    out.getBuffer().setLength(0);
    assertThat(run("keys", "show", "--key", publicFile.toString())).isZero();
    assertThat(out.toString().trim()).isEqualTo(printed.toString());
  }

  @Test
  void generateNeverOverwritesAKeyUnlessForced(@TempDir Path dir) throws Exception {
    assertThat(run("keys", "generate", "--out", dir.toString(), "--name", "k")).isZero();
    String before = Files.readString(dir.resolve("k.key.pem"));
    assertThat(run("keys", "generate", "--out", dir.toString(), "--name", "k")).isEqualTo(2);
    assertThat(err.toString()).contains("already exists").contains("--force");
    assertThat(Files.readString(dir.resolve("k.key.pem"))).isEqualTo(before);
    assertThat(run("keys", "generate", "--out", dir.toString(), "--name", "k", "--force")).isZero();
    assertThat(Files.readString(dir.resolve("k.key.pem"))).isNotEqualTo(before);
  }

  @Test
  void failuresAreOneLineAndNonZero(@TempDir Path dir) {
    assertThat(run("keys", "generate", "--out", dir.toString(), "--name", "../escape")).isEqualTo(2);
    assertThat(run("keys", "show", "--key", dir.resolve("missing.pem").toString())).isEqualTo(1);
    assertThat(err.toString().lines()).allMatch(line -> line.startsWith("kivyx-ota: "));
    assertThat(err.toString()).contains("does not exist");
    assertThat(run("keys", "show")).isEqualTo(2); // picocli: missing --key
  }

  @Test
  void showReadsAKmsKey() throws Exception {
    try (FakeKms kms = new FakeKms()) {
      System.setProperty("aws.region", "eu-west-1");
      System.setProperty("aws.accessKeyId", "AKIDTEST");
      System.setProperty("aws.secretAccessKey", "secret");
      try {
        int code =
            run("keys", "show", "--key", "kms:alias/kivyx-ota-prod-v1", "--kms-endpoint", kms.endpoint().toString());
        assertThat(code).as(err.toString()).isZero();
      } finally {
        System.clearProperty("aws.region");
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
      }
      JsonNode printed = new ObjectMapper().readTree(out.toString());
      assertThat(printed.get("kid").asText()).isEqualTo("alias/kivyx-ota-prod-v1");
      assertThat(printed.get("publicKeyHex").asText()).isEqualTo(P256.rawHex((ECPublicKey) kms.key.getPublic()));
    }
  }
}
