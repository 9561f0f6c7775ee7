package com.kivyx.ota.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kivyx.ota.testing.S3TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ArtifactStore#readIfChanged}: the directory store's default and S3's conditional GET. */
class ConditionalReadIT {
  private static final String KEY = "apps/a/ios/prod/index.cose";

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void directoryStoreAnswersNotModifiedForTheSameContent(@TempDir Path dir) {
    DirectoryStore store = new DirectoryStore(dir);
    assertThat(store.readIfChanged(KEY, Optional.empty()).status()).isEqualTo(PolledObject.Status.MISSING);
    store.compareAndSwap(KEY, bytes("v1"), Optional.empty(), "application/cose");
    PolledObject first = store.readIfChanged(KEY, Optional.empty());
    assertThat(first.status()).isEqualTo(PolledObject.Status.CHANGED);
    String etag = first.object().orElseThrow().etag();
    assertThat(store.readIfChanged(KEY, Optional.of(etag)).status()).isEqualTo(PolledObject.Status.NOT_MODIFIED);
    store.compareAndSwap(KEY, bytes("v2"), Optional.of(etag), "application/cose");
    assertThat(store.readIfChanged(KEY, Optional.of(etag)).object().orElseThrow().bytes()).isEqualTo(bytes("v2"));
  }

  @Test
  void s3StoreSendsIfNoneMatchAndTransfersNothingWhenUnchanged(@TempDir Path dir) throws Exception {
    try (S3TestServer s3 = new S3TestServer(dir.resolve("s3")); S3Store store = s3.store("tenant")) {
      assertThat(store.readIfChanged(KEY, Optional.empty()).status()).isEqualTo(PolledObject.Status.MISSING);
      s3.put("tenant/" + KEY, bytes("v1"));
      PolledObject first = store.readIfChanged(KEY, Optional.empty());
      assertThat(first.object().orElseThrow().bytes()).isEqualTo(bytes("v1"));
      String etag = first.object().get().etag();
      assertThat(store.readIfChanged(KEY, Optional.of(etag)).status()).isEqualTo(PolledObject.Status.NOT_MODIFIED);
      assertThat(s3.notModified.get()).isEqualTo(1);
      s3.put("tenant/" + KEY, bytes("v2"));
      assertThat(store.readIfChanged(KEY, Optional.of(etag)).object().orElseThrow().bytes()).isEqualTo(bytes("v2"));
      assertThat(store.list("apps/")).containsExactly(KEY);
      s3.stop();
      assertThatThrownBy(() -> store.readIfChanged(KEY, Optional.of(etag))).isInstanceOf(StoreException.class).hasMessageContaining("could not reach S3");
      s3.start();
    }
  }
}
