package com.kivyx.ota.signing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Opens a signer from a key reference: {@code kms:KEY_ID} (AWS KMS), {@code env:VAR} (PKCS#8
 * PEM in an environment variable) or a path to a PKCS#8 PEM file.
 */
public final class SignerFactory {
  public static final String KMS_PREFIX = "kms:";
  public static final String ENV_PREFIX = "env:";

  private final Map<String, String> environment;
  private final Function<String, KmsClient> kmsClientForKey;

  /**
   * @param environment where {@code env:} references are looked up (normally {@link System#getenv()})
   * @param kmsClientForKey builds the KMS client, given the key id, when a {@code kms:} key is used
   */
  public SignerFactory(Map<String, String> environment, Function<String, KmsClient> kmsClientForKey) {
    this.environment = Map.copyOf(environment);
    this.kmsClientForKey = kmsClientForKey;
  }

  /**
   * @param kid the key name to sign with; empty to use a default (the KMS key id, the variable
   *     name, or the file name without {@code .key.pem})
   */
  public Signer open(String keyRef, Optional<String> kid) {
    if (keyRef.startsWith(KMS_PREFIX)) {
      String keyId = keyRef.substring(KMS_PREFIX.length());
      if (keyId.isBlank()) {
        throw new SigningException("'kms:' needs a key id, alias or ARN, e.g. kms:alias/kivyx-ota-prod-v1");
      }
      return new KmsSigner(kmsClientForKey.apply(keyId), keyId, kid.orElse(keyId));
    }
    if (keyRef.startsWith(ENV_PREFIX)) {
      String variable = keyRef.substring(ENV_PREFIX.length());
      String pem = environment.get(variable);
      if (pem == null || pem.isBlank()) {
        throw new SigningException("environment variable " + variable + " is not set or empty");
      }
      return new LocalKeySigner(kid.orElse(variable), PemKeys.privateKey(pem));
    }
    Path file = Path.of(keyRef);
    return new LocalKeySigner(kid.orElse(defaultKid(file)), PemKeys.privateKey(read(file)));
  }

  /** {@code keys/prod-v1.key.pem} → {@code prod-v1}. */
  static String defaultKid(Path file) {
    String name = file.getFileName().toString();
    for (String suffix : new String[] {".key.pem", ".pem"}) {
      if (name.endsWith(suffix) && name.length() > suffix.length()) {
        return name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new SigningException("key file " + file + " does not exist");
    } catch (IOException e) {
      throw new SigningException("cannot read key file " + file + ": " + e.getMessage(), e);
    }
  }
}
