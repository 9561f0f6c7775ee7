package com.kivyx.ota.crds;

import io.fabric8.crdv2.generator.CRDGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Generates the CRD YAML from the Java model. {@code scripts/generate-crds} writes it into the
 * chart; {@code CrdDriftTest} fails when the chart's copy differs from what this produces.
 */
public final class CrdYaml {
  public static final Path CHART_CRDS = Path.of("helm", "kivyx-ota", "crds");

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : CHART_CRDS.toString());
    Files.createDirectories(out);
    for (Map.Entry<String, String> file : generate().entrySet()) {
      Files.writeString(out.resolve(file.getKey()), file.getValue());
      System.out.println("wrote " + out.resolve(file.getKey()));
    }
  }

  /** File name → YAML. */
  public static Map<String, String> generate() throws IOException {
    Path tmp = Files.createTempDirectory("kivyx-crds");
    new CRDGenerator()
        .customResourceClasses(Release.class, Channel.class, Rollout.class)
        .forCRDVersions("v1")
        .inOutputDir(tmp.toFile())
        .generate();
    Map<String, String> files = new TreeMap<>();
    try (var listing = Files.list(tmp)) {
      for (Path p : listing.toList()) {
        files.put(p.getFileName().toString(), Files.readString(p));
        Files.delete(p);
      }
    }
    Files.delete(tmp);
    return files;
  }
}
