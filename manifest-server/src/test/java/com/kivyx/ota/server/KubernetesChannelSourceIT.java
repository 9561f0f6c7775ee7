package com.kivyx.ota.server;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.testing.Eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.crds.Channel;
import com.kivyx.ota.crds.ChannelSpec;
import com.kivyx.ota.crds.ChannelStatus;
import com.kivyx.ota.crds.ReleaseSpec;
import com.kivyx.ota.crds.testing.KubeApi;
import com.kivyx.ota.publish.ChannelChange;
import com.kivyx.ota.testing.Pipeline;
import com.kivyx.ota.testing.TestKeys;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Indexes from Channel resources on a real kube-apiserver, verified before they are served. */
class KubernetesChannelSourceIT {
  @TempDir Path dir;

  @Test
  void servesTheIndexInAChannelsStatusAndRefusesATamperedOne() throws Exception {
    PublishedStore published = new PublishedStore(dir);
    try (KubeApi kube = new KubeApi()) {
      String ns = "server-test";
      kube.client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
      Channel channel = new Channel();
      channel.setMetadata(new ObjectMetaBuilder().withName(PublishedStore.CHANNEL).withNamespace(ns).build());
      channel.setSpec(new ChannelSpec(PublishedStore.APP, null, List.of(ReleaseSpec.Platform.android),
          new ChannelSpec.SigningKey(new ChannelSpec.SecretKeyRef("ota-signing", null), null, null, null, null),
          new ChannelSpec.Store(null, published.root.toString()), "1h", null));
      kube.client.resource(channel).create();
      setIndex(kube, ns, published.indexBytes());

      ServerMetrics metrics = new ServerMetrics();
      // The index was signed at the pipeline's fixed time; judge expiry by that clock.
      Clock clock = published.pipeline.clock;
      KubernetesChannelSource source = new KubernetesChannelSource(kube.client, Optional.of(ns), published.store,
          new SnapshotBuilder(published.keys(), clock), metrics, clock);
      try (ManifestServer server = ManifestServer.start(ServerConfig.defaults("127.0.0.1", 0, Optional.empty()), source, metrics)) {
        int port = server.port();
        eventually(() -> status(published, port, PublishedStore.BASE + "/index") == 200, "the index from the Channel's status");
        assertThat(published.get(port, PublishedStore.BASE + "/index").body()).isEqualTo(published.indexBytes());
        assertThat(published.get(port, PublishedStore.BASE + "/update?deviceId=d1&runtimeVersion=1.0.0").statusCode()).isEqualTo(200);

        // A status with an index signed by a stranger is refused; the verified one stays.
        byte[] forged = new Pipeline(published.store, TestKeys.signer("alias/stranger"), dir.resolve("forge"))
            .updater().apply(new ChannelId(PublishedStore.APP, Pipeline.PLATFORM, "forged"), ChannelChange.refresh()).cose();
        setIndex(kube, ns, forged);
        eventually(() -> metrics.scrape().contains("kivyx_ota_index_rejected_total{reason=\"signature\"} 1.0"), "forged index refused");
        assertThat(published.get(port, PublishedStore.BASE + "/index").body()).isEqualTo(published.indexBytes());

        // A newer index published by the operator is picked up from the next status.
        byte[] newer = published.pipeline.updater().apply(new ChannelId(PublishedStore.APP, Pipeline.PLATFORM, PublishedStore.CHANNEL), ChannelChange.refresh()).cose();
        setIndex(kube, ns, newer);
        eventually(() -> {
          try {
            return java.util.Arrays.equals(published.get(port, PublishedStore.BASE + "/index").body(), newer);
          } catch (Exception e) {
            return false;
          }
        }, "the newer index");
      }
    }
  }

  private static void setIndex(KubeApi kube, String ns, byte[] cose) {
    Channel current = kube.client.resources(Channel.class).inNamespace(ns).withName(PublishedStore.CHANNEL).get();
    current.setStatus(new ChannelStatus(List.of(new ChannelStatus.PlatformIndex(PublishedStore.PLATFORM, 1L, "x", null, null, 2,
        Base64.getEncoder().encodeToString(cose))), 1L, "test", null));
    kube.client.resource(current).updateStatus();
  }

  private static int status(PublishedStore published, int port, String path) {
    try {
      return published.get(port, path).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static void eventually(BooleanSupplier condition, String what) {
    Eventually.await(what, Duration.ofSeconds(30), condition::getAsBoolean);
  }
}
