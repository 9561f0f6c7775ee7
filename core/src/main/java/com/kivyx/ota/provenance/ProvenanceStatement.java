package com.kivyx.ota.provenance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.kivyx.ota.format.CanonicalJson;
import java.util.List;

/** Writes an in-toto Statement v1 whose predicate is SLSA Provenance v1, in canonical JSON. */
public final class ProvenanceStatement {
  public static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
  public static final String PREDICATE_TYPE = "https://slsa.dev/provenance/v1";
  /** Our build type: "a React Native bundle built by the build command from the source commit". */
  public static final String BUILD_TYPE = "https://kivyx.dev/ota/buildtypes/react-native-bundle/v1";

  private ProvenanceStatement() {}

  public static byte[] write(List<Subject> subjects, BuildDescription build, String toolVersion, ObjectMapper mapper) {
    if (subjects.isEmpty()) {
      throw new IllegalArgumentException("an attestation needs at least one file");
    }
    ObjectNode root = mapper.createObjectNode();
    root.put("_type", STATEMENT_TYPE);
    ArrayNode subject = root.putArray("subject");
    for (Subject s : subjects) {
      subject.addObject().put("name", s.name()).putObject("digest").put("sha256", s.sha256());
    }
    root.put("predicateType", PREDICATE_TYPE);
    ObjectNode predicate = root.putObject("predicate");
    ObjectNode definition = predicate.putObject("buildDefinition");
    definition.put("buildType", BUILD_TYPE);
    ObjectNode external = definition.putObject("externalParameters");
    external.put("source", build.sourceRepository());
    external.put("buildCommand", build.buildCommand());
    definition.putArray("resolvedDependencies").addObject()
        .put("uri", "git+" + build.sourceRepository())
        .putObject("digest").put("gitCommit", build.sourceCommit());
    ObjectNode run = predicate.putObject("runDetails");
    ObjectNode builder = run.putObject("builder");
    builder.put("id", build.builderId());
    builder.putObject("version").put("kivyx-ota", toolVersion);
    build.invocationId().ifPresent(id -> run.putObject("metadata").put("invocationId", id));
    return CanonicalJson.write(root);
  }
}
