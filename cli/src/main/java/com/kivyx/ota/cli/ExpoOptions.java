package com.kivyx.ota.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kivyx.ota.expo.ExpoCodeSigning;
import com.kivyx.ota.expo.ExpoException;
import com.kivyx.ota.expo.ExpoKeys;
import com.kivyx.ota.expo.ExpoManifestBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The Expo Updates options of {@code publish}: where assets are served from, and the code-signing key. */
final class ExpoOptions {
  @Option(
      names = "--expo-asset-base-url",
      paramLabel = "URL",
      description = {
        "Also publish an Expo Updates manifest: the absolute URL of the store root devices download from",
        "(a CDN, or the kivyx-ota serve root), e.g. https://cdn.example.com/ota/."
      })
  String assetBaseUrl;

  @Option(names = "--expo-key", paramLabel = "FILE", description = "RSA private key (PEM) that signs the Expo manifest and directives (kivyx-ota keys generate --expo).")
  Path key;

  @Option(names = "--expo-keyid", paramLabel = "ID", description = "keyid of the Expo signature, as in the app's codeSigningMetadata (default: main).")
  String keyid = "main";

  @Option(names = "--expo-certificate-chain", paramLabel = "FILE", description = "PEM certificates, leaf first, served in the certificate_chain part (optional).")
  Path certificateChain;

  @Option(names = "--expo-config", paramLabel = "FILE", description = "The app's public Expo config (npx expo config --json --type public) for extra.expoClient.")
  Path config;

  boolean enabled() {
    return assetBaseUrl != null;
  }

  /** Checks every Expo option; call before any work. */
  void validate() {
    if (!enabled()) {
      if (key != null || certificateChain != null || config != null) {
        throw new Cli.UsageError("--expo-key, --expo-certificate-chain and --expo-config need --expo-asset-base-url");
      }
      return;
    }
    builder();
    signing();
    expoClient();
  }

  ExpoManifestBuilder builder() {
    try {
      return new ExpoManifestBuilder(assetBaseUrl);
    } catch (ExpoException e) {
      throw new Cli.UsageError("--expo-asset-base-url: " + e.getMessage());
    }
  }

  Optional<ExpoCodeSigning> signing() {
    if (key == null) {
      if (certificateChain != null) {
        throw new Cli.UsageError("--expo-certificate-chain needs --expo-key");
      }
      return Optional.empty();
    }
    try {
      PrivateKey privateKey = ExpoKeys.readPrivateKey(read(key, "--expo-key"));
      Optional<String> chain = Optional.empty();
      if (certificateChain != null) {
        String pem = read(certificateChain, "--expo-certificate-chain");
        List<X509Certificate> certificates = ExpoKeys.readCertificates(pem);
        if (!(certificates.get(0).getPublicKey() instanceof RSAPublicKey leaf)
            || !(privateKey instanceof RSAPrivateCrtKey crt)
            || !leaf.getModulus().equals(crt.getModulus())) {
          throw new Cli.UsageError("the first certificate of --expo-certificate-chain is not for --expo-key; put the signing (leaf) certificate first");
        }
        chain = Optional.of(pem);
      }
      return Optional.of(new ExpoCodeSigning(privateKey, keyid, chain));
    } catch (ExpoException e) {
      throw new Cli.UsageError(e.getMessage());
    }
  }

  Optional<ObjectNode> expoClient() {
    if (config == null) {
      return Optional.empty();
    }
    try {
      JsonNode node = new ObjectMapper().readTree(read(config, "--expo-config"));
      if (!(node instanceof ObjectNode object)) {
        throw new Cli.UsageError("--expo-config " + config + " must hold a JSON object");
      }
      return Optional.of(object);
    } catch (IOException e) {
      throw new Cli.UsageError("--expo-config " + config + " is not valid JSON: " + e.getMessage());
    }
  }

  private static String read(Path file, String option) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new Cli.UsageError(option + " " + file + " cannot be read: " + e.getMessage());
    }
  }
}
