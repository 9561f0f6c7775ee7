package com.kivyx.ota.cli;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.KeySet;
import com.kivyx.ota.keys.KeySetLoader;
import com.kivyx.ota.keys.KeySetRejectedException;
import com.kivyx.ota.keys.KeySetVerifier;
import com.kivyx.ota.signing.KmsClients;
import com.kivyx.ota.signing.Signer;
import com.kivyx.ota.signing.SignerFactory;
import com.kivyx.ota.store.ArtifactStore;
import java.net.URI;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --app}, {@code --root-key}, {@code --trust-root}, {@code --expires-in}: what every key set command needs. */
final class RootKeyOptions {
  @Option(names = "--app", required = true, paramLabel = "ID", description = "App id whose key set this is, e.g. com.example.app.")
  String appId;

  @Option(
      names = "--root-key",
      required = true,
      paramLabel = "KEYREF",
      description = "The root key that signs the key set: PKCS#8 PEM file, env:VARIABLE, or kms:KEY_ID (keep it offline).")
  String rootKeyRef;

  @Option(names = "--root-kid", paramLabel = "NAME", description = "The root key's name (default: file name, variable or KMS key id).")
  String rootKid;

  @Option(names = "--kms-endpoint", paramLabel = "URL", description = "AWS KMS endpoint override (for KMS-compatible servers).")
  URI kmsEndpoint;

  @Option(
      names = "--trust-root",
      paramLabel = "[KID=]FILE",
      description = "A root public key the store's key set chain starts from, e.g. the first root after a root rotation (repeatable; default: the --root-key).")
  List<String> trustRoots = new ArrayList<>();

  @Option(names = "--expires-in", paramLabel = "DURATION", converter = Durations.class, description = "How long the new key set stays valid (default: 90d).")
  Duration expiresIn = Duration.ofDays(90);

  /** Checks what can be checked before any key is opened or the store read. */
  void validate() {
    if (!ChannelId.NAME.matcher(appId).matches()) {
      throw new Cli.UsageError("--app must be 1-128 letters, digits, '.', '_' or '-', got '" + appId + "'");
    }
    if (expiresIn.compareTo(Duration.ofHours(1)) < 0 || expiresIn.compareTo(Duration.ofDays(3660)) > 0) {
      throw new Cli.UsageError("--expires-in must be between 1h and 3660d, got " + expiresIn);
    }
  }

  Signer openRoot() {
    return new SignerFactory(System.getenv(), keyId -> KmsClients.create(AwsEnvironment.settings(Optional.ofNullable(kmsEndpoint), "KMS")))
        .open(rootKeyRef, Optional.ofNullable(rootKid));
  }

  /** The store's current key set, verified from --trust-root (or the root key itself). */
  KeySet current(ArtifactStore store, Signer root) {
    Map<String, ECPublicKey> roots = new LinkedHashMap<>(PublicKeyFiles.read(trustRoots));
    if (roots.isEmpty()) {
      roots.put(root.kid(), root.publicKey());
    }
    try {
      // Expired is fine here: renewing an expired key set is how a frozen app recovers.
      return new KeySetLoader(store, new KeySetVerifier(appId, roots)).loadExpiredToo(Optional.empty());
    } catch (KeySetRejectedException e) {
      String hint = e.reason() == KeySetRejectedException.Reason.NOT_ROOT_SIGNED || e.reason() == KeySetRejectedException.Reason.SIGNATURE
          ? "; after a root rotation pass the first root's public key with --trust-root" : "";
      throw new Cli.UsageError("the key set in " + store.describe() + " cannot be built upon: " + e.getMessage() + hint);
    }
  }
}
