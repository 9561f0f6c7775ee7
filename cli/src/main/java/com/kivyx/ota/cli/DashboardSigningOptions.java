package com.kivyx.ota.cli;

import com.kivyx.ota.publish.ChannelIndexUpdater;
import com.kivyx.ota.signing.Signer;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The dashboard's optional signing key: without it the dashboard is read-only; with it the
 * channel page can change weights, revoke and re-sign, as {@code kivyx-ota rollout} does.
 */
final class DashboardSigningOptions {
  @Option(names = "--signing-key", paramLabel = "KEYREF",
      description = {"Enable static-mode writes (weight, revoke, re-sign) signed with this key: PKCS#8 PEM file, env:VARIABLE or",
          "kms:KEY_ID, as 'rollout --key'. Without it the dashboard is read-only."})
  String keyRef;

  @Option(names = "--signing-kid", paramLabel = "NAME", description = "With --signing-key: key name written into signatures (as 'rollout --kid').")
  String kid;

  @Option(names = "--kms-endpoint", paramLabel = "URL", description = "With --signing-key kms:…: AWS KMS endpoint override.")
  URI kmsEndpoint;

  @Option(names = "--index-ttl", paramLabel = "DURATION", converter = Durations.class,
      description = "With --signing-key: how long each index it signs stays valid (default: 7d).")
  Duration ttl = ChannelIndexUpdater.DEFAULT_TTL;

  boolean enabled() {
    return keyRef != null;
  }

  /** Refuses options that only make sense with a key, before anything is opened. */
  void validate() {
    if (keyRef == null && (kid != null || kmsEndpoint != null || !ttl.equals(ChannelIndexUpdater.DEFAULT_TTL))) {
      throw new Cli.UsageError("--signing-kid, --kms-endpoint and --index-ttl need --signing-key");
    }
    if (ttl.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new Cli.UsageError("--index-ttl must be at least 1m, got " + ttl);
    }
  }

  Optional<Signer> openSigner() {
    return enabled() ? Optional.of(KeyOptions.open(keyRef, Optional.ofNullable(kid), Optional.ofNullable(kmsEndpoint))) : Optional.empty();
  }
}
