package com.kivyx.ota.signing;

import java.security.interfaces.ECPublicKey;

/** Something that holds a P-256 key and signs with it: a local PEM key or an AWS KMS key. */
public interface Signer {
  /** The key name written into every signature's protected header. */
  String kid();

  ECPublicKey publicKey();

  /**
   * Signs {@code data} with ECDSA P-256 / SHA-256.
   *
   * @return 64 bytes {@code r || s} with low S
   * @throws SigningException when the key cannot sign (KMS unreachable, key disabled, …)
   */
  byte[] sign(byte[] data);
}
