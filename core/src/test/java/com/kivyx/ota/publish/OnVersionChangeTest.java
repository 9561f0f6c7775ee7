package com.kivyx.ota.publish;

import com.kivyx.ota.testing.ForwardingStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kivyx.ota.format.ChannelRelease;
import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.store.DirectoryStore;
import com.kivyx.ota.store.StoreLayout;
import com.kivyx.ota.store.StoredObject;
import com.kivyx.ota.testing.Pipeline;
import com.kivyx.ota.testing.TestKeys;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ChannelChange#onVersion}: a change decided on version N never lands on anything else, even in a race. */
class OnVersionChangeTest {
  @TempDir Path dir;

  @Test
  void appliesOnTheVersionItWasMadeAgainst() {
    Pipeline pipeline = new Pipeline(new DirectoryStore(dir.resolve("store")), TestKeys.signer("k1"), dir);
    pipeline.updater().apply(Pipeline.CHANNEL_ID, ChannelChange.offer(entry("r1")));
    IndexUpdate update = pipeline.updater().apply(Pipeline.CHANNEL_ID, ChannelChange.onVersion(1, ChannelChange.setWeight("r1", 2_500)));
    assertThat(update.index().version()).isEqualTo(2);
    assertThat(update.index().releases().get(0).rollout().weight()).isEqualTo(2_500);
  }

  @Test
  void refusesWhenTheIndexMovedOnAndWritesNothing() {
    ArtifactStore store = new DirectoryStore(dir.resolve("store"));
    Pipeline pipeline = new Pipeline(store, TestKeys.signer("k1"), dir);
    pipeline.updater().apply(Pipeline.CHANNEL_ID, ChannelChange.offer(entry("r1")));
    pipeline.updater().apply(Pipeline.CHANNEL_ID, ChannelChange.refresh()); // someone else: version 2
    byte[] before = store.read(StoreLayout.index(Pipeline.CHANNEL_ID)).orElseThrow().bytes();
    assertThatThrownBy(() -> pipeline.updater().apply(Pipeline.CHANNEL_ID, ChannelChange.onVersion(1, ChannelChange.revoke("r1"))))
        .isInstanceOfSatisfying(StaleIndexException.class, e -> {
          assertThat(e.expected()).isEqualTo(1);
          assertThat(e.found()).isEqualTo(2);
        })
        .hasMessageContaining("reload");
    assertThat(store.read(StoreLayout.index(Pipeline.CHANNEL_ID)).orElseThrow().bytes()).isEqualTo(before);
  }

  @Test
  void aWriterThatSlipsInBeforeTheSwapMakesTheChangeFailInsteadOfBeingReapplied() {
    DirectoryStore real = new DirectoryStore(dir.resolve("store"));
    Pipeline setup = new Pipeline(real, TestKeys.signer("k1"), dir);
    setup.updater().apply(Pipeline.CHANNEL_ID, ChannelChange.offer(entry("r1")));
    // The competing write happens between our read and our compare-and-swap: the swap loses.
    Pipeline racing = new Pipeline(new RacingStore(real, () -> setup.updater().apply(Pipeline.CHANNEL_ID, ChannelChange.setWeight("r1", 100))),
        setup.signer, dir);
    assertThatThrownBy(() -> racing.updater().apply(Pipeline.CHANNEL_ID, ChannelChange.onVersion(1, ChannelChange.setWeight("r1", 9_000))))
        .isInstanceOf(StaleIndexException.class);
    var index = setup.updater().apply(Pipeline.CHANNEL_ID, ChannelChange.setWeight("r1", 100)).index(); // no-op read
    assertThat(index.version()).isEqualTo(2);
    assertThat(index.releases().get(0).rollout().weight()).as("the other writer's weight stands").isEqualTo(100);
  }

  private static ChannelRelease entry(String id) {
    return com.kivyx.ota.testing.SampleDocuments.entry(id, 1, "1.0.0", com.kivyx.ota.format.RolloutInfo.FULL_WEIGHT, false, null);
  }

  /** A real store that runs another writer once, right before the first compare-and-swap. */
  private static final class RacingStore extends ForwardingStore {
    private Runnable other;

    RacingStore(ArtifactStore real, Runnable other) {
      super(real);
      this.other = other;
    }

    @Override
    public boolean compareAndSwap(String key, byte[] content, Optional<String> expectedEtag, String contentType) {
      if (other != null) {
        Runnable run = other;
        other = null;
        run.run();
      }
      return super.compareAndSwap(key, content, expectedEtag, contentType);
    }
  }
}
