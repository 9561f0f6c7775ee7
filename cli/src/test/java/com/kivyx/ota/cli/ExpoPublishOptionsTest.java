package com.kivyx.ota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every Expo option of publish is checked before anything is written; keys generate --expo writes a usable pair. */
class ExpoPublishOptionsTest {
  @TempDir Path dir;
  private StringWriter err = new StringWriter();

  private int run(List<String> args) {
    err = new StringWriter();
    CommandLine cl = Cli.newCommandLine(new KivyxOta());
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args.toArray(String[]::new));
  }

  private List<String> publish(String... extra) throws Exception {
    Path bundle = Files.writeString(dir.resolve("index.js"), "var a = 1;");
    List<String> args = new ArrayList<>(List.of(
        "publish", "--store", dir.resolve("store").toString(), "--key", dir.resolve("keys/k.key.pem").toString(),
        "--app", "com.kivyx.expo", "--platform", "android", "--channel", "production",
        "--version", "1.0.0", "--version-code", "1", "--runtime-version", "1.0.0"));
    if (!List.of(extra).contains("--expo-export")) {
      args.addAll(List.of("--bundle", bundle.toString()));
    }
    args.addAll(List.of(extra));
    return args;
  }

  @Test
  void badExpoArgumentsAreRefusedBeforeAnyWork() throws Exception {
    assertThat(run(List.of("keys", "generate", "--out", dir.resolve("keys").toString(), "--name", "k"))).isZero();
    assertThat(run(List.of("keys", "generate", "--expo", "--out", dir.resolve("keys").toString(), "--name", "expo"))).isZero();
    assertThat(run(List.of("keys", "generate", "--expo", "--out", dir.resolve("keys").toString(), "--name", "other"))).isZero();
    String expoKey = dir.resolve("keys/expo.key.pem").toString();
    String[][] cases = {
      {"--expo-key", expoKey},
      {"--expo-asset-base-url", "cdn.example.com/ota"},
      {"--expo-asset-base-url", "https://cdn.example.com/", "--expo-key", dir.resolve("keys/k.key.pem").toString()},
      {"--expo-asset-base-url", "https://cdn.example.com/", "--expo-key", expoKey, "--expo-keyid", "has space"},
      {"--expo-asset-base-url", "https://cdn.example.com/", "--expo-key", expoKey, "--expo-certificate-chain", dir.resolve("keys/other.cert.pem").toString()},
      {"--expo-asset-base-url", "https://cdn.example.com/", "--expo-certificate-chain", dir.resolve("keys/expo.cert.pem").toString()},
      {"--expo-export", dir.toString(), "--expo-asset-base-url", "https://cdn.example.com/"},
      {"--expo-export", dir.toString()},
    };
    for (String[] c : cases) {
      assertThat(run(publish(c))).as(String.join(" ", c) + ": " + err).isEqualTo(2);
      assertThat(err.toString().strip().lines()).as(String.join(" ", c)).hasSize(1).allMatch(l -> l.startsWith("kivyx-ota: "));
      assertThat(dir.resolve("store")).as("nothing written").doesNotExist();
    }
    assertThat(run(publish("--expo-asset-base-url", "https://cdn.example.com/", "--expo-key", expoKey,
        "--expo-certificate-chain", dir.resolve("keys/expo.cert.pem").toString()))).as(err.toString()).isZero();
    assertThat(dir.resolve("store/apps/com.kivyx.expo/android/expo/1.0.0-1.json")).exists();
  }
}
