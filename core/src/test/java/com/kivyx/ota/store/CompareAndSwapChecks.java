package com.kivyx.ota.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The compare-and-swap rules every store keeps; each store's test runs them on a real store. */
final class CompareAndSwapChecks {
  static final String KEY = "apps/a/ios/prod/index.cose";

  private CompareAndSwapChecks() {}

  /** A write must name the version it read; a stale or blind one is refused and changes nothing. */
  static void refusesStaleVersions(ArtifactStore store) {
    assertThat(store.compareAndSwap(KEY, bytes("v1"), Optional.empty(), "application/cose")).isTrue();
    assertThat(store.compareAndSwap(KEY, bytes("v1b"), Optional.empty(), "application/cose")).isFalse();
    String etag = store.read(KEY).orElseThrow().etag();
    assertThat(store.compareAndSwap(KEY, bytes("v2"), Optional.of(etag), "application/cose")).isTrue();
    assertThat(store.compareAndSwap(KEY, bytes("v3"), Optional.of(etag), "application/cose")).isFalse();
    assertThat(store.read(KEY).orElseThrow().bytes()).isEqualTo(bytes("v2"));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
