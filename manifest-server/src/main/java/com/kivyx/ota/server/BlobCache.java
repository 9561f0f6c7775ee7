package com.kivyx.ota.server;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the server learnt of the store's content-addressed blobs under the current snapshot: a
 * blob's key names its hash, so its size read once stays true, and a request for a known blob
 * needs neither a path check nor a stat on a worker thread. Small blobs keep their bytes too,
 * so they go out from memory. Starts over when the snapshot changes (its blob types may differ).
 *
 * <p>Bounded: at most {@code maxEntries} blobs; bytes only of blobs up to {@code maxBlobBytes},
 * and {@code maxTotalBytes} in all. Past a bound a blob is served as before (stat, sendFile).
 */
final class BlobCache {
  /**
   * A blob as the server answers it.
   *
   * @param file the file to send when {@code bytes} is null
   * @param bytes the content in memory, or null for a blob past the size bound
   */
  record Blob(String appId, String sha256, String file, long size, String etag, CharSequence etagHeader, CharSequence contentType, CharSequence contentLength, Buffer bytes) {
    static Blob of(String appId, String sha256, String file, long size, String contentType, byte[] bytes) {
      String etag = ETags.ofHex(sha256);
      Buffer content = null;
      if (bytes != null) {
        // a JDK direct buffer: written without a copy, freed by the GC when the generation goes
        ByteBuffer direct = ByteBuffer.allocateDirect(Math.max(1, bytes.length)).put(bytes).flip();
        content = Buffer.buffer(Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct).asReadOnly()));
      }
      return new Blob(appId, sha256, file, size, etag, HttpHeaders.createOptimized(etag), HttpHeaders.createOptimized(contentType),
          HttpHeaders.createOptimized(Long.toString(size)), content);
    }
  }

  private record Generation(Snapshot snapshot, ConcurrentHashMap<String, Blob> blobs, AtomicLong bytes) {}

  private final int maxEntries;
  private final long maxBlobBytes;
  private final long maxTotalBytes;
  private volatile Generation current = new Generation(null, new ConcurrentHashMap<>(), new AtomicLong());

  /** @param maxEntries 0 turns the cache off: every request stats the file as before */
  BlobCache(int maxEntries, long maxBlobBytes, long maxTotalBytes) {
    this.maxEntries = maxEntries;
    this.maxBlobBytes = maxBlobBytes;
    this.maxTotalBytes = maxTotalBytes;
  }

  /** 64k blobs, the bytes of those up to 1 MiB, 64 MiB of bytes in all. */
  static BlobCache defaults() {
    return new BlobCache(65_536, 1 << 20, 64L << 20);
  }

  /** The blob at this store key, if a request under this snapshot read it already. */
  Blob get(Snapshot snapshot, String key) {
    Generation g = current;
    if (g.snapshot() != snapshot) {
      return null;
    }
    return g.blobs().get(key);
  }

  /** Whether a blob of this size would keep its bytes (read it whole, then {@link #put}). */
  boolean keepsBytes(long size) {
    return maxEntries > 0 && size <= maxBlobBytes && current.bytes().get() + size <= maxTotalBytes;
  }

  /** Blobs remembered under the current snapshot. */
  int size() {
    return current.blobs().size();
  }

  /** Bytes held in memory under the current snapshot. */
  long bytesHeld() {
    return current.bytes().get();
  }

  /** Remembers a blob read under {@code snapshot}, unless a bound is reached. */
  void put(Snapshot snapshot, String key, Blob blob) {
    if (maxEntries == 0) {
      return;
    }
    Generation g = current;
    if (g.snapshot() != snapshot) {
      g = new Generation(snapshot, new ConcurrentHashMap<>(), new AtomicLong());
      current = g;
    }
    if (g.blobs().size() >= maxEntries) {
      return;
    }
    long size = blob.bytes() == null ? 0 : blob.size();
    if (g.bytes().addAndGet(size) > maxTotalBytes) {
      g.bytes().addAndGet(-size);
      return;
    }
    if (g.blobs().putIfAbsent(key, blob) != null) {
      g.bytes().addAndGet(-size);
    }
  }
}
