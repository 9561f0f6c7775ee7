package com.kivyx.ota.cli;

import com.kivyx.ota.format.CanonicalJson;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.publish.ChannelChange;
import com.kivyx.ota.publish.IndexUpdate;
import com.kivyx.ota.signing.Signer;
import com.kivyx.ota.store.ArtifactStore;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kivyx-ota rollout}: change a release's weight, revoke it, or re-sign the index. */
@Command(
    name = "rollout",
    mixinStandardHelpOptions = true,
    description = "Change how far a release is rolled out on a channel, revoke it, or re-sign the index before it expires.")
final class RolloutCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StoreOptions store;
  @Mixin KeyOptions key;
  @Mixin ChannelOptions channel;
  @Mixin IndexOptions index;

  @Option(names = "--release", paramLabel = "ID", description = "The release to change (needed with --weight and --revoke).")
  String releaseId;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Action action;

  static final class Action {
    @Option(names = "--weight", paramLabel = "PERCENT", converter = Percent.class, description = "New share of devices (0-100).")
    Integer weight;

    @Option(names = "--revoke", description = "Take the release off the channel for good; devices on it move to the best remaining release.")
    boolean revoke;

    @Option(names = "--resign", description = "Only re-sign the index with a fresh expiry.")
    boolean resign;
  }

  @Override
  public Integer call() {
    ChannelChange change;
    if (action.resign) {
      change = ChannelChange.refresh();
    } else {
      if (releaseId == null) {
        throw new Cli.UsageError("--release ID is needed with " + (action.revoke ? "--revoke" : "--weight"));
      }
      change = action.revoke ? ChannelChange.revoke(releaseId) : ChannelChange.setWeight(releaseId, action.weight);
    }
    Signer signer = key.openSigner();
    try (ArtifactStore target = store.open()) {
      IndexUpdate update =
          index.updater(target, signer, new ProgressPrinter(spec.commandLine().getErr()))
              .apply(channel.id(), change);
      var summary = new Documents().mapper().createObjectNode();
      summary.put("index", update.key());
      summary.put("indexVersion", update.index().version());
      summary.put("releases", update.index().releases().size());
      summary.put("expiresAt", update.index().expiresAt());
      spec.commandLine().getOut().println(new String(CanonicalJson.write(summary), StandardCharsets.UTF_8));
      return 0;
    }
  }
}
