package com.kivyx.ota.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where signed artifacts live: a directory (the embedded default) or an S3 bucket. Keys are
 * the relative paths of {@link StoreLayout}, the same strings documents use as URLs.
 *
 * <p>Two kinds of writes: immutable objects (blobs, manifests, release records), written once
 * and never changed, and the channel index, replaced only by compare-and-swap so two
 * publishers cannot lose each other's update.
 */
public interface ArtifactStore extends AutoCloseable {
  /** The object at {@code key}, or empty when there is none. */
  Optional<StoredObject> read(String key);

  /**
   * The object at {@code key} unless it still has {@code etag} (from an earlier {@link
   * StoredObject#etag()}): for pollers, which then skip unchanged content. Stores that can ask
   * conditionally (S3's {@code If-None-Match}) override this so nothing is transferred.
   */
  default PolledObject readIfChanged(String key, Optional<String> etag) {
    Optional<StoredObject> current = read(key);
    if (current.isEmpty()) {
      return PolledObject.missing();
    }
    return etag.isPresent() && etag.get().equals(current.get().etag())
        ? PolledObject.notModified()
        : PolledObject.changed(current.get());
  }

  /** Whether an object exists at {@code key}. */
  boolean exists(String key);

  /**
   * Writes an immutable object unless it exists. When it exists, succeeds only if the
   * existing object has the same SHA-256.
   *
   * @throws BlobMismatchException when the content does not match {@code sha256}, or the key
   *     already holds other content
   */
  void putImmutable(String key, Path file, String sha256, String contentType);

  /** {@link #putImmutable(String, Path, String, String)} for content already in memory. */
  void putImmutable(String key, byte[] content, String contentType);

  /**
   * Replaces a mutable object only if it is still the version that was read: {@code
   * expectedEtag} from {@link StoredObject#etag()}, or empty when it must not exist yet.
   *
   * @return false when another writer got there first (read again and retry)
   */
  boolean compareAndSwap(String key, byte[] content, Optional<String> expectedEtag, String contentType);

  /** The keys that start with {@code prefix}, in no particular order. */
  List<String> list(String prefix);

  /** How to name this store in messages: {@code dir:/path} or {@code s3://bucket/prefix}. */
  String describe();

  @Override
  default void close() {}
}
