package com.kivyx.ota.cli;

import com.kivyx.ota.signing.KmsClients;
import com.kivyx.ota.signing.Signer;
import com.kivyx.ota.signing.SignerFactory;
import java.net.URI;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --key}, {@code --kid} and {@code --kms-endpoint}: how every signing command finds its key. */
final class KeyOptions {
  @Option(
      names = "--key",
      required = true,
      paramLabel = "KEYREF",
      description = "PKCS#8 PEM file, env:VARIABLE holding the PEM, or kms:KEY_ID (AWS KMS key id, alias or ARN).")
  String keyRef;

  @Option(names = "--kid", paramLabel = "NAME", description = "Key name written into signatures (default: file name, variable or KMS key id).")
  String kid;

  @Option(names = "--kms-endpoint", paramLabel = "URL", description = "AWS KMS endpoint override (for KMS-compatible servers).")
  URI kmsEndpoint;

  Signer openSigner() {
    return open(keyRef, Optional.ofNullable(kid), Optional.ofNullable(kmsEndpoint));
  }

  /** The one way a command opens a KEYREF (also the dashboard's optional --signing-key). */
  static Signer open(String keyRef, Optional<String> kid, Optional<URI> kmsEndpoint) {
    return new SignerFactory(System.getenv(), keyId -> KmsClients.create(AwsEnvironment.settings(kmsEndpoint, "KMS")))
        .open(keyRef, kid);
  }
}
