package com.kivyx.ota.cli;

import com.kivyx.ota.format.CanonicalJson;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.provenance.BuildDescription;
import com.kivyx.ota.provenance.Dsse;
import com.kivyx.ota.provenance.ProvenanceStatement;
import com.kivyx.ota.provenance.Subject;
import com.kivyx.ota.publish.AssetSource;
import com.kivyx.ota.signing.Signer;
import com.kivyx.ota.store.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kivyx-ota attest}: in CI, right after the build, sign what was built. Writes an in-toto
 * Statement v1 with a SLSA Provenance v1 predicate (every file's SHA-256, the builder, the source
 * repository and commit, the build command) as a DSSE envelope signed with the CI builder key.
 */
@Command(
    name = "attest",
    mixinStandardHelpOptions = true,
    description = {
      "Sign a build's provenance (in-toto Statement v1, SLSA Provenance v1, DSSE envelope, ECDSA P-256) with the CI",
      "builder key. Give the same --bundle and --assets to 'publish', with --attestation FILE."
    })
final class AttestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin KeyOptions key;

  @Option(names = "--bundle", required = true, paramLabel = "FILE", description = "The launch bundle, as it will be given to 'publish'.")
  Path bundle;

  @Option(names = "--assets", paramLabel = "DIR", description = "Directory of assets, as it will be given to 'publish'.")
  Path assets;

  @Option(names = "--builder-id", required = true, paramLabel = "URI", description = "Who built it: a URI naming the CI workflow, e.g. https://ci.example/acme/app/ota.yml@refs/heads/main.")
  String builderId;

  @Option(names = "--source-repo", required = true, paramLabel = "URI", description = "The source repository, e.g. https://git.example/acme/app.")
  String sourceRepo;

  @Option(names = "--source-commit", required = true, paramLabel = "SHA", description = "The full git commit id that was built.")
  String sourceCommit;

  @Option(names = "--build-command", required = true, paramLabel = "TEXT", description = "The command that built the bundle.")
  String buildCommand;

  @Option(names = "--invocation-id", paramLabel = "ID", description = "The CI run, e.g. its URL.")
  String invocationId;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the DSSE envelope (JSON).")
  Path out;

  @Override
  public Integer call() throws IOException {
    BuildDescription build;
    try {
      build = new BuildDescription(builderId, sourceRepo, sourceCommit, buildCommand, Optional.ofNullable(invocationId));
    } catch (IllegalArgumentException e) {
      throw new Cli.UsageError(e.getMessage());
    }
    if (!Files.isRegularFile(bundle)) {
      throw new Cli.UsageError("--bundle " + bundle + " is not a file");
    }
    List<Subject> subjects = new ArrayList<>();
    subjects.add(new Subject(ReleaseFiles.bundleName(bundle), Sha256.hex(bundle)));
    for (AssetSource asset : ReleaseFiles.assets(assets)) {
      subjects.add(new Subject(asset.path(), Sha256.hex(Path.of(asset.source().location()))));
    }
    Signer signer = key.openSigner();
    Documents documents = new Documents();
    String version = Optional.ofNullable(AttestCommand.class.getPackage().getImplementationVersion()).orElse("dev");
    byte[] statement = ProvenanceStatement.write(subjects, build, version, documents.mapper());
    byte[] envelope = Dsse.sign(signer, Dsse.IN_TOTO_PAYLOAD_TYPE, statement).toJson(documents.mapper());
    Files.write(out, envelope);
    var summary = documents.mapper().createObjectNode();
    summary.put("attestation", out.toString());
    summary.put("sha256", Sha256.hex(envelope));
    summary.put("subjects", subjects.size());
    summary.put("signedBy", signer.kid());
    spec.commandLine().getOut().println(new String(CanonicalJson.write(summary), StandardCharsets.UTF_8));
    return 0;
  }
}
