package com.kivyx.ota.store;

import com.kivyx.ota.testing.ForwardingStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kivyx.ota.format.RolloutInfo;
import com.kivyx.ota.publish.PublishedRelease;
import com.kivyx.ota.testing.Pipeline;
import com.kivyx.ota.testing.S3TestServer;
import com.kivyx.ota.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The S3 store's own rules, against a real S3-compatible server with request signing on. */
class S3StoreIT {
  @TempDir Path dir;
  private S3TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = new S3TestServer(dir.resolve("s3-data"));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void wrongCredentialsFailClearly() {
    try (S3Store store = new S3Store(server.client("not-the-secret"), S3TestServer.BUCKET, "")) {
      assertThatThrownBy(() -> store.read("apps/a/ios/prod/index.cose"))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("HTTP 403")
          .hasMessageContaining("SignatureDoesNotMatch")
          .hasMessageContaining("check the credentials");
    }
  }

  @Test
  void aMissingBucketIsNamed() {
    try (S3Store store = new S3Store(server.client(S3TestServer.SECRET_KEY), "no-such-bucket", "")) {
      assertThatThrownBy(() -> store.putImmutable("apps/a/blobs/sha256/" + Sha256.hex(bytes("x")), bytes("x"), "text/plain"))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("no-such-bucket");
    }
  }

  @Test
  void blobsCarryTheirChecksumAndCacheMetadata() {
    try (S3Store store = server.store("p")) {
      String key = "apps/a/blobs/sha256/" + Sha256.hex(bytes("bundle"));
      store.putImmutable(key, bytes("bundle"), "application/javascript");
      try (S3Client raw = server.client(S3TestServer.SECRET_KEY)) {
        var head = raw.headObject(b -> b.bucket(S3TestServer.BUCKET).key("p/" + key).checksumMode("ENABLED"));
        assertThat(head.cacheControl()).isEqualTo("public, max-age=31536000, immutable");
        assertThat(head.contentType()).isEqualTo("application/javascript");
        assertThat(Base64.getDecoder().decode(head.checksumSHA256())).isEqualTo(java.util.HexFormat.of().parseHex(Sha256.hex(bytes("bundle"))));
      }
    }
  }

  @Test
  void aChecksumMismatchIsRefused() throws Exception {
    try (S3Store store = server.store("p")) {
      Path file = dir.resolve("blob.bin");
      Files.write(file, bytes("real content"));
      String claimed = Sha256.hex(bytes("other content"));
      String key = "apps/a/blobs/sha256/" + claimed;
      assertThatThrownBy(() -> store.putImmutable(key, file, claimed, "application/octet-stream"))
          .isInstanceOf(BlobMismatchException.class);
      assertThat(store.exists(key)).isFalse();
    }
    // The server side of the same guard: an upload whose bytes do not match the SHA-256 header
    // (as a corrupted transfer would be) is refused and not stored.
    try (S3Client raw = server.client(S3TestServer.SECRET_KEY)) {
      String wrong = Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(Sha256.hex(bytes("other content"))));
      assertThatThrownBy(() -> raw.putObject(b -> b.bucket(S3TestServer.BUCKET).key("p/x").checksumSHA256(wrong), RequestBody.fromBytes(bytes("real content"))))
          .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("BadDigest"));
    }
  }

  @Test
  void anExistingBlobIsConfirmedNotReplaced() {
    try (S3Store store = server.store("p"); S3Client raw = server.client(S3TestServer.SECRET_KEY)) {
      String key = "apps/a/blobs/sha256/" + Sha256.hex(bytes("good"));
      store.putImmutable(key, bytes("good"), "text/plain");
      store.putImmutable(key, bytes("good"), "text/plain"); // 412, same checksum: success
      raw.putObject(b -> b.bucket(S3TestServer.BUCKET).key("p/" + key), RequestBody.fromBytes(bytes("evil")));
      assertThatThrownBy(() -> store.putImmutable(key, bytes("good"), "text/plain")).isInstanceOf(BlobMismatchException.class);
    }
  }

  @Test
  void compareAndSwapUsesTheEtag() {
    try (S3Store store = server.store("p")) {
      CompareAndSwapChecks.refusesStaleVersions(store);
      assertThat(store.list("apps/a/")).containsExactly(CompareAndSwapChecks.KEY);
    }
  }

  /**
   * The server dies in the middle of a publish. Write order (blobs, manifest, record, index)
   * means the previous index is still valid and points only at objects that exist.
   */
  @Test
  void aServerKilledMidPublishLeavesThePreviousIndexValid() throws Exception {
    byte[] v1 = new byte[4000];
    byte[] v2 = new byte[4000];
    new Random(1).nextBytes(v1);
    new Random(2).nextBytes(v2);
    Path b1 = Files.write(dir.resolve("v1.js"), v1);
    Path b2 = Files.write(dir.resolve("v2.js"), v2);
    Pipeline first = new Pipeline(server.store("p"), TestKeys.signer("alias/crash"), dir.resolve("work"));
    PublishedRelease r1 = first.publish(Pipeline.request("r1", 1, b1, List.of()), false);
    first.offer(r1, RolloutInfo.FULL_WEIGHT);

    for (int writesBeforeCrash : new int[] {1, 2, 3}) {
      AtomicInteger writes = new AtomicInteger();
      ArtifactStore crashing = new CrashingStore(server.store("p"), () -> {
        if (writes.incrementAndGet() > writesBeforeCrash) {
          server.stop();
        }
      });
      Pipeline doomed = new Pipeline(crashing, first.signer, dir.resolve("work"));
      assertThatThrownBy(() -> {
        PublishedRelease r2 = doomed.publish(Pipeline.request("r2", 2, b2, List.of()), false);
        doomed.offer(r2, RolloutInfo.FULL_WEIGHT);
      }).as("crash after %d write(s)", writesBeforeCrash).isInstanceOf(StoreException.class);
      server.start();
      Pipeline after = new Pipeline(server.store("p"), first.signer, dir.resolve("work"));
      var report = after.verify();
      assertThat(report.problems()).as("after a crash at write %d", writesBeforeCrash).isEmpty();
      assertThat(report.indexVersion()).isEqualTo(1);
      assertThat(report.releases()).isEqualTo(1);
    }
  }

  /** Calls {@code beforeWrite} before every write, to stop the server at a chosen point. */
  private static final class CrashingStore extends ForwardingStore {
    interface ThrowingRunnable {
      void run() throws Exception;
    }

    private final ThrowingRunnable beforeWrite;

    CrashingStore(ArtifactStore delegate, ThrowingRunnable beforeWrite) {
      super(delegate);
      this.beforeWrite = beforeWrite;
    }

    private void hit() {
      try {
        beforeWrite.run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void putImmutable(String key, Path file, String sha256, String contentType) {
      hit();
      super.putImmutable(key, file, sha256, contentType);
    }

    @Override
    public void putImmutable(String key, byte[] content, String contentType) {
      hit();
      super.putImmutable(key, content, contentType);
    }

    @Override
    public boolean compareAndSwap(String key, byte[] content, Optional<String> etag, String contentType) {
      hit();
      return super.compareAndSwap(key, content, etag, contentType);
    }
  }
}
