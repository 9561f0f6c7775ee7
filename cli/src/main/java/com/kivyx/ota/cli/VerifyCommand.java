package com.kivyx.ota.cli;

import com.kivyx.ota.publish.StoreVerifier;
import com.kivyx.ota.publish.VerificationReport;
import com.kivyx.ota.store.ArtifactStore;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kivyx-ota verify}: check a channel in a store as a device would. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check a channel as a device would: index signature and expiry, each manifest's signature and its match",
      "with the index, every blob's size and SHA-256. Exit 0 with a summary, or 1 naming each problem."
    })
final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StoreOptions store;
  @Mixin ChannelOptions channel;

  @Option(names = "--pubkey", paramLabel = "[KID=]FILE", description = "Pinned public key: .pub.pem or the JSON of 'keys show' (repeatable).")
  List<String> pubkeys = new ArrayList<>();

  @Option(
      names = "--trust-root",
      paramLabel = "[KID=]FILE",
      description = "Pinned root key instead: the app's key set is verified from it and its keys valid now pin the channel (repeatable).")
  List<String> trustRoots = new ArrayList<>();

  @Override
  public Integer call() {
    if (pubkeys.isEmpty() == trustRoots.isEmpty()) {
      throw new Cli.UsageError("give --pubkey (signing keys) or --trust-root (key set roots), not both or neither");
    }
    var id = channel.id();
    var pinned = PublicKeyFiles.read(pubkeys.isEmpty() ? trustRoots : pubkeys);
    try (ArtifactStore target = store.open()) {
      if (!trustRoots.isEmpty()) {
        pinned = TrustedKeySet.signingKeysNow(target, id.appId(), pinned);
      }
      VerificationReport report =
          new StoreVerifier(target, pinned, Clock.systemUTC()).verify(id);
      if (report.ok()) {
        spec.commandLine().getOut().println("ok: " + report.summary());
        return 0;
      }
      PrintWriter err = spec.commandLine().getErr();
      report.problems().forEach(p -> err.println("kivyx-ota: " + p));
      err.println("kivyx-ota: verify found " + report.problems().size() + " problem(s) in " + target.describe());
      err.flush();
      return 1;
    }
  }
}
