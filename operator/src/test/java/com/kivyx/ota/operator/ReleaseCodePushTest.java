package com.kivyx.ota.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.kivyx.ota.codepush.CodePushOptions;
import com.kivyx.ota.crds.Channel;
import com.kivyx.ota.crds.ChannelSpec;
import com.kivyx.ota.crds.ReleaseSpec;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.publish.AssetSource;
import com.kivyx.ota.publish.FileSource;
import com.kivyx.ota.publish.ReleaseRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A Channel's codePush setting turns into the publisher's CodePush options, per platform. */
class ReleaseCodePushTest {
  private static Channel channel(ChannelSpec.CodePush codePush) {
    Channel channel = new Channel();
    channel.setSpec(new ChannelSpec("com.example.app", "production", List.of(ReleaseSpec.Platform.ios, ReleaseSpec.Platform.android),
        new ChannelSpec.SigningKey(new ChannelSpec.SecretKeyRef("key", null), null, null, null, null),
        new ChannelSpec.Store(null, "/tmp/store"), null, codePush, null));
    return channel;
  }

  private static ReleaseRequest request(Platform platform) {
    return new ReleaseRequest("com.example.app", platform, "r1", "1.0.0", 1, "1.0.0",
        new AssetSource("index.bundle", "application/javascript", FileSource.of("/tmp/index.bundle")), List.of(), Map.of());
  }

  @Test
  void packagesOnlyWhenTheChannelAsksWithThePlatformsBundleName() {
    assertThat(ReleaseReconciler.codePush(request(Platform.IOS), channel(null)).codePush()).isEqualTo(Optional.empty());
    ChannelSpec.CodePush defaults = new ChannelSpec.CodePush(null, null);
    assertThat(ReleaseReconciler.codePush(request(Platform.IOS), channel(defaults)).codePush()).contains(new CodePushOptions("main.jsbundle"));
    assertThat(ReleaseReconciler.codePush(request(Platform.ANDROID), channel(defaults)).codePush()).contains(new CodePushOptions("index.android.bundle"));
    ChannelSpec.CodePush named = new ChannelSpec.CodePush("app.jsbundle", "app.android.bundle");
    assertThat(ReleaseReconciler.codePush(request(Platform.IOS), channel(named)).codePush()).contains(new CodePushOptions("app.jsbundle"));
    assertThat(ReleaseReconciler.codePush(request(Platform.ANDROID), channel(named)).codePush()).contains(new CodePushOptions("app.android.bundle"));
  }
}
