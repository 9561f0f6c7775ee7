package com.kivyx.ota.cli;

import com.kivyx.ota.format.Documents;
import com.kivyx.ota.publish.ProvenancePolicy;
import com.kivyx.ota.publish.ProvenancePolicy.Requirement;
import com.kivyx.ota.publish.PublishException;
import com.kivyx.ota.signing.PemKeys;
import com.kivyx.ota.transparency.LogKey;
import com.kivyx.ota.transparency.RekorV2Client;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code publish}'s provenance options: the attestation, trusted builder keys, the transparency log. */
final class ProvenanceOptions {
  @Option(names = "--attestation", paramLabel = "FILE", description = "The DSSE envelope 'kivyx-ota attest' wrote for these files.")
  Path attestation;

  @Option(names = "--provenance", paramLabel = "required|optional", description = "Refuse releases without an attestation from a --builder-pubkey (default: optional).")
  String provenance = "optional";

  @Option(names = "--builder-pubkey", paramLabel = "[NAME=]FILE", description = "A trusted CI builder key, SPKI PEM (repeatable).")
  List<String> builderKeys = new ArrayList<>();

  @Option(names = "--rekor-url", paramLabel = "URL", description = "A Rekor v2 log: the manifest's signature (and the attestation's) are logged there.")
  URI rekorUrl;

  @Option(names = "--rekor-pubkey", paramLabel = "FILE", description = "The log's checkpoint key (SPKI PEM); every answer is checked against it.")
  Path rekorPubkey;

  @Option(names = "--rekor-origin", paramLabel = "NAME", description = "The log's checkpoint origin (default: the host of --rekor-url).")
  String rekorOrigin;

  @Option(names = "--transparency", paramLabel = "required|optional",
      description = "required (default with --rekor-url): no log entry, no release; optional: publish without one when the log is down.")
  String transparency = "required";

  @Option(names = "--rekor-timeout", paramLabel = "DURATION", converter = Durations.class, description = "Per request (default: 30s); the log answers once a checkpoint covers the entry.")
  Duration rekorTimeout = Duration.ofSeconds(30);

  @Option(names = "--rekor-attempts", paramLabel = "N", description = "Attempts before giving up (default: 3).")
  int rekorAttempts = 3;

  /** Validates everything and reads the attestation; call before any work. */
  Optional<byte[]> attestationBytes() throws IOException {
    if (attestation == null) {
      return Optional.empty();
    }
    if (!Files.isRegularFile(attestation)) {
      throw new Cli.UsageError("--attestation " + attestation + " is not a file");
    }
    return Optional.of(Files.readAllBytes(attestation));
  }

  ProvenancePolicy policy() throws IOException {
    Requirement attest = requirement("--provenance", provenance);
    Requirement log = requirement("--transparency", transparency);
    if ((rekorUrl == null) != (rekorPubkey == null)) {
      throw new Cli.UsageError("--rekor-url and --rekor-pubkey go together: the log's answers are checked against its key");
    }
    if (rekorAttempts < 1 || rekorAttempts > 10) {
      throw new Cli.UsageError("--rekor-attempts must be between 1 and 10, got " + rekorAttempts);
    }
    if (attestation != null && builderKeys.isEmpty()) {
      throw new Cli.UsageError("--attestation needs --builder-pubkey: the attestation is checked against the trusted builder keys");
    }
    Optional<com.kivyx.ota.transparency.TransparencyLog> client = Optional.empty();
    if (rekorUrl != null) {
      String origin = rekorOrigin != null ? rekorOrigin : rekorUrl.getHost();
      LogKey key;
      try {
        key = new LogKey(origin, PemKeys.publicKey(Files.readString(rekorPubkey)));
      } catch (IllegalArgumentException e) {
        throw new Cli.UsageError("--rekor-pubkey/--rekor-origin: " + e.getMessage());
      }
      client = Optional.of(new RekorV2Client(rekorUrl, key, new Documents().mapper(), rekorTimeout, rekorAttempts, Duration.ofMillis(500)));
    } else {
      log = Requirement.OPTIONAL;
    }
    try {
      return new ProvenancePolicy(attest, PublicKeyFiles.read(builderKeys), client, log);
    } catch (PublishException e) {
      throw new Cli.UsageError(e.getMessage());
    }
  }

  private static Requirement requirement(String option, String value) {
    return switch (value) {
      case "required" -> Requirement.REQUIRED;
      case "optional" -> Requirement.OPTIONAL;
      default -> throw new Cli.UsageError(option + " must be 'required' or 'optional', got '" + value + "'");
    };
  }
}
