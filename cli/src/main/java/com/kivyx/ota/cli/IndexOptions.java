package com.kivyx.ota.cli;

import com.kivyx.ota.publish.ChannelIndexUpdater;
import com.kivyx.ota.publish.Progress;
import com.kivyx.ota.signing.Signer;
import com.kivyx.ota.store.ArtifactStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options of commands that re-sign a channel index. */
final class IndexOptions {
  @Option(names = "--index-ttl", paramLabel = "DURATION", converter = Durations.class, description = "How long the signed index stays valid (default: 7d).")
  Duration ttl = ChannelIndexUpdater.DEFAULT_TTL;

  @Option(
      names = "--trust-pubkey",
      paramLabel = "[KID=]FILE",
      description = "A public key whose existing index may be built upon, e.g. the key being rotated out (repeatable).")
  List<String> trusted = new ArrayList<>();

  ChannelIndexUpdater updater(ArtifactStore store, Signer signer, Progress progress) {
    return new ChannelIndexUpdater(store, signer, PublicKeyFiles.read(trusted), Clock.systemUTC(), ttl, progress);
  }
}
