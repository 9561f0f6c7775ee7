package com.kivyx.ota.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.kivyx.ota.store.Sha256;
import com.kivyx.ota.testing.S3TestServer;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Release files from the places CI leaves them: local paths, HTTP(S) and S3. */
class SourceFetcherIT {
  @TempDir Path dir;
  private static final byte[] CONTENT = "console.log('bundle');".repeat(100).getBytes();

  @Test
  void fetchesFromAnHttpServerAndChecksTheHash() throws Exception {
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext("/bundle.js", exchange -> {
      exchange.sendResponseHeaders(200, CONTENT.length);
      exchange.getResponseBody().write(CONTENT);
      exchange.close();
    });
    http.createContext("/missing", exchange -> {
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
    });
    http.start();
    try {
      String base = "http://127.0.0.1:" + http.getAddress().getPort();
      SourceFetcher fetcher = new SourceFetcher(dir, SourceFetcher.defaultHttpClient(), bucket -> { throw new AssertionError(); }, 1 << 20);
      FetchedFile file = fetcher.fetch(new FileSource(base + "/bundle.js", Optional.of(Sha256.hex(CONTENT)), OptionalLong.of(CONTENT.length)), "index.js");
      assertThat(Files.readAllBytes(file.file())).isEqualTo(CONTENT);
      assertThatThrownBy(() -> fetcher.fetch(FileSource.of(base + "/missing"), "index.js")).hasMessageContaining("HTTP 404");
      assertThatThrownBy(() -> fetcher.fetch(new FileSource(base + "/bundle.js", Optional.of("0".repeat(64)), OptionalLong.empty()), "index.js"))
          .hasMessageContaining("index.js").hasMessageContaining("SHA-256");
      assertThatThrownBy(() -> fetcher.fetch(FileSource.of("http://example.com/bundle.js"), "index.js")).hasMessageContaining("use https://");
    } finally {
      http.stop(0);
    }
  }

  @Test
  void fetchesFromS3() throws Exception {
    try (S3TestServer s3 = new S3TestServer(dir.resolve("s3")); S3Client client = s3.client(S3TestServer.SECRET_KEY)) {
      client.putObject(b -> b.bucket(S3TestServer.BUCKET).key("ci/build-7/index.js"), RequestBody.fromBytes(CONTENT));
      SourceFetcher fetcher = new SourceFetcher(dir.resolve("work"), SourceFetcher.defaultHttpClient(), bucket -> client, 1 << 20);
      FetchedFile file = fetcher.fetch(FileSource.of("s3://" + S3TestServer.BUCKET + "/ci/build-7/index.js"), "index.js");
      assertThat(file.sha256()).isEqualTo(Sha256.hex(CONTENT));
      assertThatThrownBy(() -> fetcher.fetch(FileSource.of("s3://" + S3TestServer.BUCKET + "/ci/none.js"), "index.js"))
          .hasMessageContaining("cannot read index.js");
    }
  }

  @Test
  void capsWhatItReads() throws Exception {
    Path big = Files.write(dir.resolve("big.js"), CONTENT);
    SourceFetcher fetcher = new SourceFetcher(dir.resolve("work"), SourceFetcher.defaultHttpClient(), bucket -> { throw new AssertionError(); }, 100);
    assertThatThrownBy(() -> fetcher.fetch(FileSource.of(big.toString()), "index.js")).hasMessageContaining("larger than the 100 bytes");
    assertThatThrownBy(() -> fetcher.fetch(FileSource.of(dir.resolve("nope.js").toString()), "index.js")).hasMessageContaining("not found");
  }
}
