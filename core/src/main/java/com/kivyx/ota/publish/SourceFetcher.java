package com.kivyx.ota.publish;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.Function;
import com.kivyx.ota.store.Sha256;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Copies release files from where CI left them into a work directory, hashing as it goes,
 * and refuses a file whose SHA-256 or size differs from what the release declares. Reads are
 * capped: a source can never fill the disk beyond its declared size (or the global limit).
 */
public final class SourceFetcher {
  private final Path workDir;
  private final HttpClient http;
  private final Function<String, S3Client> s3ForBucket;
  private final long maxBytes;

  public SourceFetcher(Path workDir, HttpClient http, Function<String, S3Client> s3ForBucket, long maxBytes) {
    this.workDir = workDir;
    this.http = http;
    this.s3ForBucket = s3ForBucket;
    this.maxBytes = maxBytes;
  }

  public static HttpClient defaultHttpClient() {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NORMAL).build();
  }

  public FetchedFile fetch(FileSource source, String name) {
    long limit = source.size().orElse(maxBytes);
    Path target;
    try {
      Files.createDirectories(workDir);
      target = Files.createTempFile(workDir, "fetch-", ".part");
    } catch (IOException e) {
      throw new PublishException("cannot create a work file in " + workDir + ": " + e.getMessage(), e);
    }
    MessageDigest digest = Sha256.newDigest();
    long size;
    try (InputStream in = open(source.location(), name); OutputStream out = Files.newOutputStream(target)) {
      size = copyCapped(in, out, digest, limit, name);
    } catch (IOException e) {
      throw new PublishException("cannot read " + name + " from " + source.location() + ": " + e.getMessage(), e);
    }
    String sha256 = HexFormat.of().formatHex(digest.digest());
    if (source.size().isPresent() && source.size().getAsLong() != size) {
      throw new PublishException(
          name + " from " + source.location() + " is " + size + " bytes, but the release says " + source.size().getAsLong());
    }
    if (source.sha256().isPresent() && !source.sha256().get().equals(sha256)) {
      throw new PublishException(
          name + " from " + source.location() + " has SHA-256 " + sha256 + ", but the release says " + source.sha256().get());
    }
    if (size == 0) {
      throw new PublishException(name + " from " + source.location() + " is empty");
    }
    return new FetchedFile(target, sha256, size);
  }

  private InputStream open(String location, String name) throws IOException {
    if (location.startsWith("s3://")) {
      URI uri = URI.create(location);
      String bucket = uri.getHost();
      String key = uri.getPath().replaceFirst("^/", "");
      if (bucket == null || key.isEmpty()) {
        throw new PublishException("'" + location + "' is not s3://bucket/key");
      }
      try {
        return s3ForBucket.apply(bucket).getObject(b -> b.bucket(bucket).key(key));
      } catch (SdkException e) {
        throw new PublishException("cannot read " + name + " from " + location + ": " + e.getMessage(), e);
      }
    }
    if (location.startsWith("https://") || location.startsWith("http://")) {
      URI uri = URI.create(location);
      if (location.startsWith("http://") && !isLoopback(uri)) {
        throw new PublishException("refusing plain http for " + name + " (" + location + "); use https://");
      }
      try {
        HttpResponse<InputStream> response =
            http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
          response.body().close();
          throw new PublishException("GET " + location + " for " + name + " answered HTTP " + response.statusCode());
        }
        return response.body();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    Path path = Path.of(location.startsWith("file:") ? URI.create(location).getPath() : location);
    try {
      return Files.newInputStream(path);
    } catch (NoSuchFileException e) {
      throw new PublishException(name + " not found: " + path);
    }
  }

  private static boolean isLoopback(URI uri) {
    String host = uri.getHost();
    return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
  }

  private static long copyCapped(InputStream in, OutputStream out, MessageDigest digest, long limit, String name) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    for (int n; (n = in.read(buffer)) > 0; ) {
      total += n;
      if (total > limit) {
        throw new PublishException(name + " is larger than the " + limit + " bytes it may have");
      }
      digest.update(buffer, 0, n);
      out.write(buffer, 0, n);
    }
    return total;
  }
}
