package com.kivyx.ota.transparency;

import com.kivyx.ota.store.Sha256;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;

/**
 * A pinned transparency log: the origin line its checkpoints start with (rekor-tiles'
 * {@code --hostname}) and its P-256 checkpoint key. The key ID is SHA-256 of the key's SPKI
 * (C2SP signed-note key ID for ECDSA, and Rekor's {@code logId.keyId}); its first 4 bytes are
 * the key hint in checkpoint signature lines.
 */
public record LogKey(String origin, ECPublicKey publicKey) {
  public LogKey {
    if (origin == null || origin.isBlank() || origin.contains("\n") || origin.contains(" ")) {
      throw new IllegalArgumentException("log origin must be one word without spaces, got '" + origin + "'");
    }
    if (publicKey == null) {
      throw new IllegalArgumentException("log public key is required");
    }
  }

  public byte[] keyId() {
    MessageDigest sha = Sha256.newDigest();
    return sha.digest(publicKey.getEncoded());
  }

  public byte[] keyHint() {
    return Arrays.copyOf(keyId(), 4);
  }
}
