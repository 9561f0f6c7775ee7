package com.kivyx.ota.testing;

import com.kivyx.ota.aws.AwsClientSettings;
import com.kivyx.ota.store.S3Clients;
import com.kivyx.ota.store.S3Store;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3-compatible server (s3proxy) on a loopback port, with SigV4 request signing on and
 * objects kept in a directory, so it can be stopped mid-test and started again with its data.
 */
public final class S3TestServer implements AutoCloseable {
  public static final String ACCESS_KEY = "kivyx-test-access";
  public static final String SECRET_KEY = "kivyx-test-secret";
  public static final String BUCKET = "kivyx-ota";

  private final Path dataDir;
  private BlobStore blobStore;
  private S3Proxy proxy;
  /** The first start picks a free port; restarts reuse it, so existing clients reconnect. */
  private int port;
  /** 304 answers seen by this server's clients: proof that polling is conditional. */
  public final AtomicInteger notModified = new AtomicInteger();

  public S3TestServer(Path dataDir) throws Exception {
    this.dataDir = dataDir;
    start();
    try (S3Client admin = client(SECRET_KEY)) {
      admin.createBucket(b -> b.bucket(BUCKET));
    }
  }

  public void start() throws Exception {
    java.nio.file.Files.createDirectories(dataDir);
    blobStore = new AtomicConditionalPuts(new FilesystemNio2BlobStore(dataDir.toString()));
    proxy =
        S3Proxy.builder()
            .blobStore(blobStore)
            .endpoint(URI.create("http://127.0.0.1:" + port))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    proxy.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
      }
      Thread.sleep(10);
    }
    port = proxy.getPort();
  }

  /** Stops the server as a crash would: requests in flight and after fail. */
  public void stop() throws Exception {
    proxy.stop();
    blobStore.close();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** A client the way the product builds one, with few, fast retries. */
  public S3Client client(String secretKey) {
    return S3Clients.create(
        new AwsClientSettings(
            Optional.of(endpoint()),
            Region.US_EAST_1,
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, secretKey)),
            3,
            Duration.ofMillis(10),
            Duration.ofMillis(50)),
        true,
        List.of(new CountNotModified()));
  }

  /** Writes an object behind the product's back (CI uploads, tampering, garbage). */
  public void put(String key, byte[] content) {
    try (S3Client raw = client(SECRET_KEY)) {
      raw.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(content));
    }
  }

  /** Counts the 304 answers this client receives. */
  private final class CountNotModified implements ExecutionInterceptor {
    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
      if (context.httpResponse().statusCode() == 304) {
        notModified.incrementAndGet();
      }
    }
  }

  public S3Store store(String prefix) {
    return new S3Store(client(SECRET_KEY), BUCKET, prefix);
  }

  @Override
  public void close() throws Exception {
    stop();
  }
}
