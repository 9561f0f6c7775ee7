package com.kivyx.ota.server;

import java.util.Optional;

/**
 * Where the server's signed channel indexes come from. An implementation loads indexes,
 * passes each through {@link SnapshotBuilder} (signature, expiry, version, manifests), keeps
 * the last good snapshot when it fails or meets garbage, and publishes a new {@link Snapshot}
 * by swapping one reference, so a request sees either the old or the new snapshot, whole.
 *
 * <p>Implementations: {@link StoreChannelSource} (a directory store, watched; an S3 store,
 * polled with conditional GETs) and {@link KubernetesChannelSource} (an informer on Channel
 * resources, reading the signed index from their status).
 */
public interface ChannelSource extends AutoCloseable {
  /** Loads once (a failure leaves the source not ready, not broken), then follows changes in the background. */
  void start();

  /** The last good snapshot; empty until the first load succeeded (the server is not ready until then). */
  Optional<Snapshot> snapshot();

  /** How to name this source in logs. */
  String describe();

  @Override
  void close();
}
