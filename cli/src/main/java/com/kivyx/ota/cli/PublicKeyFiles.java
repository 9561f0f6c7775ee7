package com.kivyx.ota.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.signing.P256;
import com.kivyx.ota.signing.PemKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads pinned public keys given as {@code [KID=]FILE}: an SPKI PEM (kid from the file name,
 * {@code NAME.pub.pem} → {@code NAME}) or the JSON that {@code keys show} prints.
 */
final class PublicKeyFiles {
  private PublicKeyFiles() {}

  static Map<String, ECPublicKey> read(List<String> specs) {
    Map<String, ECPublicKey> keys = new LinkedHashMap<>();
    for (String spec : specs) {
      int eq = spec.indexOf('=');
      String kid = eq > 0 ? spec.substring(0, eq) : null;
      Path file = Path.of(eq > 0 ? spec.substring(eq + 1) : spec);
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new Cli.UsageError("cannot read public key file " + file + ": " + e.getMessage());
      }
      if (text.trim().startsWith("{")) {
        try {
          JsonNode json = new ObjectMapper().readTree(text);
          keys.put(kid != null ? kid : json.get("kid").asText(), P256.publicKeyFromRawHex(json.get("publicKeyHex").asText()));
        } catch (IOException | RuntimeException e) {
          throw new Cli.UsageError(file + " is not the {kid, publicKeyHex} JSON of 'keys show': " + e.getMessage());
        }
      } else {
        keys.put(kid != null ? kid : file.getFileName().toString().replaceFirst("(\\.pub)?\\.pem$", ""), PemKeys.publicKey(text));
      }
    }
    return keys;
  }
}
