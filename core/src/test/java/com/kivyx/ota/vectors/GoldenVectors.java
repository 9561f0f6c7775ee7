package com.kivyx.ota.vectors;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.rollout.Buckets;
import com.kivyx.ota.rollout.Decision;
import com.kivyx.ota.rollout.DecisionFunction;
import com.kivyx.ota.rollout.Device;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the golden vectors shared by the Java and TypeScript test suites into
 * {@code testdata/vectors/}. Run it with {@code scripts/generate-vectors}; {@code
 * GoldenVectorsTest} fails when the checked-in files differ from what this produces.
 */
public final class GoldenVectors {
  public static final String DOCUMENTS = "documents.json";
  public static final String DECISIONS = "decisions.json";
  public static final String KEY_SETS = "keysets.json";

  private final ObjectMapper mapper = new Documents().mapper();

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: GoldenVectors OUTPUT_DIR");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    Files.createDirectories(dir);
    for (Map.Entry<String, byte[]> file : new GoldenVectors().files().entrySet()) {
      Files.write(dir.resolve(file.getKey()), file.getValue());
      System.out.println("wrote " + dir.resolve(file.getKey()));
    }
  }

  /** File name → exact bytes. */
  public Map<String, byte[]> files() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(DOCUMENTS, pretty(documents()));
    files.put(DECISIONS, pretty(decisions()));
    files.put(KEY_SETS, pretty(new KeySetVectors().write(mapper)));
    return files;
  }

  private ObjectNode documents() {
    DocumentVectors vectors = new DocumentVectors();
    ObjectNode root = mapper.createObjectNode();
    ObjectNode keys = root.putObject("keys");
    vectors.pinnedKeys().forEach(keys::put);
    ArrayNode cases = root.putArray("cases");
    for (DocumentVectors.Case c : vectors.cases()) {
      ObjectNode node = cases.addObject();
      node.put("name", c.name());
      node.put("contentType", c.contentType());
      node.put("coseHex", HexFormat.of().formatHex(c.cose()));
      node.put("valid", c.reason() == null);
      node.put("reason", c.reason() == null ? null : c.reason().name());
    }
    return root;
  }

  private ObjectNode decisions() {
    ObjectNode root = mapper.createObjectNode();
    ArrayNode buckets = root.putArray("buckets");
    for (String[] input : DecisionVectors.BUCKET_INPUTS) {
      buckets.addObject().put("rolloutId", input[0]).put("deviceId", input[1]).put("bucket", Buckets.bucket(input[0], input[1]));
    }
    ArrayNode cases = root.putArray("cases");
    for (DecisionVectors.Case c : new DecisionVectors().cases()) {
      Decision actual = DecisionFunction.decide(c.index(), c.device());
      if (!actual.equals(c.expected())) {
        throw new IllegalStateException("case " + c.name() + ": expected " + c.expected() + " but the function gives " + actual);
      }
      ObjectNode node = cases.addObject();
      node.put("name", c.name());
      node.set("index", mapper.valueToTree(c.index()));
      node.set("device", deviceJson(c.device()));
      node.set("expected", decisionJson(c.expected()));
    }
    return root;
  }

  static ObjectNode decisionJson(Decision decision) {
    ObjectNode node = new ObjectMapper().createObjectNode();
    node.put("decision", decision.kind().wireName());
    decision.releaseId().ifPresent(id -> node.put("releaseId", id));
    node.put("mandatory", decision.mandatory());
    return node;
  }

  private ObjectNode deviceJson(Device device) {
    ObjectNode node = mapper.createObjectNode();
    node.put("deviceId", device.deviceId());
    node.put("runtimeVersion", device.runtimeVersion());
    device.currentReleaseId().ifPresent(v -> node.put("currentReleaseId", v));
    device.rnVersion().ifPresent(v -> node.put("rnVersion", v));
    device.arch().ifPresent(v -> node.put("arch", v));
    ObjectNode attributes = node.putObject("attributes");
    new java.util.TreeMap<>(device.attributes()).forEach(attributes::put);
    return node;
  }

  /** The inverse of {@link #deviceJson}, for the tests that read the checked-in file. */
  static Device device(JsonNode node) {
    Map<String, String> attributes = new LinkedHashMap<>();
    node.path("attributes").fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().textValue()));
    return new Device(
        node.get("deviceId").textValue(),
        node.get("runtimeVersion").textValue(),
        text(node, "currentReleaseId"),
        text(node, "rnVersion"),
        text(node, "arch"),
        attributes);
  }

  static ChannelIndex index(ObjectMapper mapper, JsonNode node) throws IOException {
    return mapper.treeToValue(node, ChannelIndex.class);
  }

  private static Optional<String> text(JsonNode node, String field) {
    return Optional.ofNullable(node.get(field)).map(JsonNode::textValue);
  }

  private byte[] pretty(JsonNode node) {
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
    printer.indentArraysWith(new DefaultIndenter("  ", "\n"));
    try {
      return (mapper.writer(printer).writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
