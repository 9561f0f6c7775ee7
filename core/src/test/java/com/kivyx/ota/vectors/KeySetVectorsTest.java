package com.kivyx.ota.vectors;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.format.KeySet;
import com.kivyx.ota.keys.KeySetLoader;
import com.kivyx.ota.keys.KeySetRejectedException;
import com.kivyx.ota.keys.KeySetVerifier;
import com.kivyx.ota.signing.CoseSign1;
import com.kivyx.ota.signing.P256;
import com.kivyx.ota.store.DirectoryStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checked-in key set vectors, read back and judged again (the TypeScript tests read the same file). */
class KeySetVectorsTest {
  private static final Path FILE = Path.of(System.getProperty("kivyx.repo.dir", "..")).resolve("testdata/vectors").resolve(GoldenVectors.KEY_SETS);
  private final ObjectMapper mapper = new Documents().mapper();
  @TempDir Path dir;

  @Test
  void everyStepGetsItsVerdict() throws Exception {
    JsonNode root = mapper.readTree(FILE.toFile());
    KeySetVerifier verifier = new KeySetVerifier(root.get("appId").textValue(), roots(root));
    int refused = 0;
    for (JsonNode c : root.get("cases")) {
      String name = c.get("name").textValue();
      Optional<KeySet> trusted = c.get("trustedCoseHex").isNull() ? Optional.empty()
          : Optional.of(new Documents().readKeySet(CoseSign1.payloadOfAuthenticated(hex(c.get("trustedCoseHex")))));
      Instant now = Instant.parse(c.get("now").textValue());
      String verdict;
      try {
        KeySet next = verifier.next(trusted, hex(c.get("coseHex")));
        verifier.requireFresh(next, now);
        verdict = "valid v" + next.version() + " " + verifier.signingKeysAt(next, now).keySet();
      } catch (KeySetRejectedException e) {
        verdict = e.reason().name();
      }
      String expected = c.get("valid").booleanValue() ? "valid v" + c.get("version").longValue() + " " + kids(c.get("signingKeys")) : c.get("reason").textValue();
      assertThat(verdict).as(name).isEqualTo(expected);
      refused += c.get("valid").booleanValue() ? 0 : 1;
    }
    assertThat(refused).isGreaterThanOrEqualTo(9);
  }

  @Test
  void aDeviceWithTheFirstRootWalksTheStoredChain() throws Exception {
    JsonNode root = mapper.readTree(FILE.toFile());
    JsonNode chain = root.get("chain");
    var fields = chain.get("store").fields();
    while (fields.hasNext()) {
      var e = fields.next();
      Path file = dir.resolve(e.getKey());
      Files.createDirectories(file.getParent());
      Files.write(file, hex(e.getValue()));
    }
    KeySetLoader loader = new KeySetLoader(new DirectoryStore(dir), new KeySetVerifier(root.get("appId").textValue(), roots(root)));
    KeySet loaded = loader.load(Optional.empty(), Instant.parse(chain.get("now").textValue()));
    assertThat(loaded.version()).isEqualTo(chain.get("version").longValue());
    assertThat(loaded.keysValidAt(Instant.parse(chain.get("now").textValue())).keySet().toString()).isEqualTo(kids(chain.get("signingKeys")));
  }

  private static Map<String, ECPublicKey> roots(JsonNode root) {
    Map<String, ECPublicKey> roots = new HashMap<>();
    root.get("pinnedRoots").fields().forEachRemaining(e -> roots.put(e.getKey(), P256.publicKeyFromRawHex(e.getValue().textValue())));
    return roots;
  }

  private static String kids(JsonNode array) {
    List<String> kids = new ArrayList<>();
    array.forEach(k -> kids.add(k.textValue()));
    return kids.toString();
  }

  private static byte[] hex(JsonNode node) {
    return HexFormat.of().parseHex(node.textValue());
  }
}
