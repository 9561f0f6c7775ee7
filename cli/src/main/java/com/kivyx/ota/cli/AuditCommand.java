package com.kivyx.ota.cli;

import com.kivyx.ota.format.CanonicalJson;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.publish.PublishedSignatures;
import com.kivyx.ota.signing.PemKeys;
import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.transparency.LogAuditor;
import com.kivyx.ota.transparency.LogEntryRejectedException;
import com.kivyx.ota.transparency.LogKey;
import com.kivyx.ota.transparency.TileLog;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kivyx-ota audit}: the stolen-key alarm, for cron. Reads the whole log, checks it against
 * its signed checkpoint, and lists every entry signed by one of our keys that is not a release
 * (or attestation) in the store. Exit 1 when there is one.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "Walk a transparency log and report every entry signed by our keys that matches no published release",
      "or attestation in the store (a signing key used outside the pipeline). Exit code 1 when there is any."
    })
final class AuditCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StoreOptions store;

  @Option(names = "--app", required = true, paramLabel = "APP_ID", description = "The app whose releases are in the store.")
  String appId;

  @Option(names = "--log", required = true, paramLabel = "URL|DIR", description = "The log's static files (checkpoint, tile/…): an HTTP(S) base URL or its storage directory.")
  String log;

  @Option(names = "--log-pubkey", required = true, paramLabel = "FILE", description = "The log's checkpoint key (SPKI PEM).")
  Path logPubkey;

  @Option(names = "--log-origin", paramLabel = "NAME", description = "The log's checkpoint origin (default: the host of an HTTP --log).")
  String logOrigin;

  @Option(names = "--pubkey", required = true, paramLabel = "[NAME=]FILE", description = "Our release or builder key to watch for (repeatable).")
  List<String> pubkeys = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    String origin = logOrigin;
    if (origin == null) {
      if (!log.startsWith("http://") && !log.startsWith("https://")) {
        throw new Cli.UsageError("--log-origin is needed when --log is a directory");
      }
      origin = URI.create(log).getHost();
    } else if (!log.startsWith("http") && !Files.isDirectory(Path.of(log))) {
      throw new Cli.UsageError("--log " + log + " is neither an HTTP(S) URL nor a directory");
    }
    LogKey logKey;
    try {
      logKey = new LogKey(origin, PemKeys.publicKey(Files.readString(logPubkey)));
    } catch (IllegalArgumentException | IOException e) {
      throw new Cli.UsageError("--log-pubkey " + logPubkey + ": " + e.getMessage());
    }
    Map<String, ECPublicKey> ours = PublicKeyFiles.read(pubkeys);
    Documents documents = new Documents();
    Map<String, String> published;
    try (ArtifactStore target = store.open()) {
      published = new PublishedSignatures(target).of(appId);
    }
    LogAuditor.Report report;
    try {
      report = new LogAuditor(documents.mapper()).audit(TileLog.at(log), logKey, ours, published.keySet());
    } catch (LogEntryRejectedException e) {
      throw new IllegalStateException("the log does not verify (" + e.reason() + "): " + e.getMessage());
    }
    var out = documents.mapper().createObjectNode();
    out.put("treeSize", report.treeSize());
    out.put("ourEntries", report.ourEntries());
    out.put("published", published.size());
    var unknown = out.putArray("unknown");
    report.unknown().forEach(f -> unknown.addObject().put("logIndex", f.logIndex()).put("key", f.keyName()).put("digest", f.digestHex()));
    spec.commandLine().getOut().println(new String(CanonicalJson.write(out), StandardCharsets.UTF_8));
    if (!report.unknown().isEmpty()) {
      spec.commandLine().getErr().println(
          "kivyx-ota: " + report.unknown().size() + " log entr" + (report.unknown().size() == 1 ? "y" : "ies")
              + " signed by our keys match no published release (first: index " + report.unknown().get(0).logIndex() + ", key "
              + report.unknown().get(0).keyName() + "); a key may be in the wrong hands: revoke and rotate it");
      return 1;
    }
    return 0;
  }
}
