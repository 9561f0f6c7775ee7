package com.kivyx.ota.operator;

import com.kivyx.ota.crds.Channel;
import com.kivyx.ota.crds.ChannelSpec;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.publish.ProvenancePolicy;
import com.kivyx.ota.publish.ProvenancePolicy.Requirement;
import com.kivyx.ota.publish.PublishException;
import com.kivyx.ota.signing.PemKeys;
import com.kivyx.ota.transparency.LogKey;
import com.kivyx.ota.transparency.RekorV2Client;
import com.kivyx.ota.transparency.TransparencyLog;
import java.net.URI;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A Channel's {@code spec.provenance} as the publisher's policy. */
final class ChannelProvenance {
  private ChannelProvenance() {}

  static ProvenancePolicy policy(Channel channel) {
    ChannelSpec.Provenance spec = channel.getSpec().provenance();
    if (spec == null) {
      return ProvenancePolicy.none();
    }
    String where = "Channel " + channel.getMetadata().getName() + " spec.provenance";
    Map<String, ECPublicKey> builders = new LinkedHashMap<>();
    for (ChannelSpec.BuilderKey key : spec.builderKeys() == null ? java.util.List.<ChannelSpec.BuilderKey>of() : spec.builderKeys()) {
      try {
        builders.put(key.name(), PemKeys.publicKey(key.publicKeyPem()));
      } catch (IllegalArgumentException e) {
        throw new ChannelConfigException(where + ".builderKeys " + key.name() + ": " + e.getMessage());
      }
    }
    Optional<TransparencyLog> log = Optional.empty();
    Requirement logging = Requirement.OPTIONAL;
    ChannelSpec.Rekor rekor = spec.rekor();
    if (rekor != null) {
      URI url = URI.create(rekor.url());
      try {
        LogKey key = new LogKey(rekor.origin() != null ? rekor.origin() : url.getHost(), PemKeys.publicKey(rekor.publicKeyPem()));
        log = Optional.of(new RekorV2Client(url, key, new Documents().mapper(), Duration.ofSeconds(30), 3, Duration.ofMillis(500)));
      } catch (IllegalArgumentException e) {
        throw new ChannelConfigException(where + ".rekor: " + e.getMessage());
      }
      logging = "optional".equals(rekor.policy()) ? Requirement.OPTIONAL : Requirement.REQUIRED;
    }
    try {
      return new ProvenancePolicy("required".equals(spec.policy()) ? Requirement.REQUIRED : Requirement.OPTIONAL, builders, log, logging);
    } catch (PublishException e) {
      throw new ChannelConfigException(where + ": " + e.getMessage());
    }
  }
}
