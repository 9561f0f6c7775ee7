package com.kivyx.ota.server;

import com.kivyx.ota.store.StoreLayout;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import com.kivyx.ota.store.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Small blobs of the store in memory, with their headers ready, under the current snapshot: a
 * blob's key names its SHA-256, so bytes read once and found to hash to that name are the blob
 * for good, and a request for one needs neither a path check nor a stat on a worker thread.
 * Bytes that do not match their name are never kept (the file goes out as stored; devices refuse
 * it). Starts over when the snapshot changes (its blob types may differ).
 *
 * <p>Bounded: at most {@code maxEntries} blobs of up to {@code maxBlobBytes} each and {@code
 * maxTotalBytes} in all. Other blobs are served as before (stat, sendFile): past a megabyte the
 * transfer costs far more than the stat.
 */
final class BlobCache {
  /**
   * A blob as the server answers it.
   *
   * @param file the file to send when {@code inMemory} is null
   * @param inMemory for a blob in memory, its bytes and the heads of its 200 and 304 (for
   *     {@link PollFastPath}); null for a blob sent from its file
   */
  record Blob(
      String appId, String sha256, String file, long size, String etag, CharSequence etagHeader, CharSequence contentType, CharSequence contentLength,
      InMemory inMemory) {
    static Blob of(String appId, String sha256, String file, long size, String contentType, byte[] bytes) {
      String etag = ETags.ofHex(sha256);
      CharSequence type = HttpHeaders.createOptimized(contentType);
      InMemory inMemory = null;
      if (bytes != null) {
        // the headers in sendBlob's order
        CharSequence[] headers = {"etag", etag, "cache-control", StoreLayout.IMMUTABLE_CACHE, "accept-ranges", "bytes", "content-type", contentType};
        ByteBuf content = PreparedHead.offHeap(bytes);
        inMemory = new InMemory(content, Buffer.buffer(content), PreparedHead.ok(bytes.length, headers), PreparedHead.notModified(headers));
      }
      return new Blob(appId, sha256, file, size, etag, HttpHeaders.createOptimized(etag), type, HttpHeaders.createOptimized(Long.toString(size)), inMemory);
    }

    /** The content in memory as Vert.x takes it, or null for a blob sent from its file. */
    Buffer bytes() {
      return inMemory == null ? null : inMemory.wire();
    }
  }

  /**
   * A blob's bytes ({@code content}, and as {@code wire} for Vert.x) and heads, off-heap: written
   * without a copy, freed by the GC when the generation goes.
   */
  record InMemory(ByteBuf content, Buffer wire, ByteBuf ok, ByteBuf notModified) {}

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

  /** Whether a blob of this size would be kept (then read it with {@link #readVerified} and {@link #put} it). */
  boolean fits(long size) {
    return maxEntries > 0 && size <= maxBlobBytes && current.bytes().get() + size <= maxTotalBytes;
  }

  /** The file's bytes if they are {@code size} bytes with this SHA-256, else null. Blocks: call it on a worker. */
  static byte[] readVerified(Path file, String sha256, long size) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    return bytes.length == size && Sha256.hex(bytes).equals(sha256) ? bytes : null;
  }

  /** Blobs remembered under the current snapshot. */
  int size() {
    return current.blobs().size();
  }

  /** Bytes held in memory under the current snapshot. */
  long bytesHeld() {
    return current.bytes().get();
  }

  /** Remembers a blob (with its bytes) read under {@code snapshot}, unless a bound is reached. */
  void put(Snapshot snapshot, String key, Blob blob) {
    if (maxEntries == 0 || blob.bytes() == null) {
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
    long size = blob.size();
    if (g.bytes().addAndGet(size) > maxTotalBytes) {
      g.bytes().addAndGet(-size);
      return;
    }
    if (g.blobs().putIfAbsent(key, blob) != null) {
      g.bytes().addAndGet(-size);
    }
  }
}
