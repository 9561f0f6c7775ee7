package com.kivyx.ota.server;

import static com.kivyx.ota.server.PublishedStore.APP;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blobs from memory answer exactly as a server without the cache does, which stats and sends
 * the file every time: status, every header and the bytes, for ranges, HEAD, If-None-Match and
 * paths that must stay refused. And memory never holds bytes that do not hash to their name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BlobFastPathTest {
  PublishedStore published;
  final List<ManifestServer> servers = new ArrayList<>();
  final BlobCache inMemory = BlobCache.defaults();
  /** Manifests and deltas from memory, bundles (over 2 KiB) from their file. */
  final BlobCache smallOnly = new BlobCache(1_000, 2_048, 1 << 20);
  int reference;
  int blobCount;
  int memoryPort;
  int smallPort;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    published = new PublishedStore(dir);
    reference = start(new BlobCache(0, 0, 0));
    memoryPort = start(inMemory);
    smallPort = start(smallOnly);
  }

  private int start(BlobCache blobs) {
    ServerConfig config = ServerConfig.defaults("127.0.0.1", 0, Optional.of(published.root));
    ManifestServer server = ManifestServer.start(config, published.directorySource(Duration.ofMinutes(10), new ServerMetrics()), new ServerMetrics(), List.of(), blobs);
    servers.add(server);
    return server.port();
  }

  @AfterAll
  void stop() {
    servers.forEach(ManifestServer::close);
  }

  /** One request: method, path, and header name/value pairs. */
  record Request(String method, String path, String... headers) {
    @Override
    public String toString() {
      return method + " " + path + " " + String.join(" ", headers);
    }
  }

  /** What a client can see of an answer. */
  record Seen(int status, Map<String, List<String>> headers, byte[] body) {}

  Seen send(int port, Request r) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + r.path())).timeout(Duration.ofSeconds(10))
        .method(r.method(), HttpRequest.BodyPublishers.noBody());
    if (r.headers().length > 0) {
      b.headers(r.headers());
    }
    HttpResponse<byte[]> response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    Map<String, List<String>> headers = new TreeMap<>();
    response.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v));
    return new Seen(response.statusCode(), headers, response.body());
  }

  List<Request> requests() throws Exception {
    List<Path> blobs;
    try (Stream<Path> files = Files.list(published.root.resolve("apps/" + APP + "/blobs/sha256"))) {
      blobs = files.sorted().toList();
    }
    assertThat(blobs).as("blobs in the store").hasSizeGreaterThanOrEqualTo(4);
    blobCount = blobs.size();
    List<Request> requests = new ArrayList<>();
    for (Path blob : blobs) {
      String sha = blob.getFileName().toString();
      String path = "/apps/" + APP + "/blobs/sha256/" + sha;
      long size = Files.size(blob);
      requests.add(new Request("GET", path));
      requests.add(new Request("HEAD", path));
      requests.add(new Request("GET", path, "Range", "bytes=0-0"));
      requests.add(new Request("GET", path, "Range", "bytes=10-19"));
      requests.add(new Request("HEAD", path, "Range", "bytes=10-19"));
      requests.add(new Request("GET", path, "Range", "bytes=-5"));
      requests.add(new Request("GET", path, "Range", "bytes=" + (size - 3) + "-"));
      requests.add(new Request("GET", path, "Range", "bytes=0-" + (size * 2)));
      requests.add(new Request("GET", path, "Range", "bytes=" + size + "-"));
      requests.add(new Request("GET", path, "Range", "bytes=7-3"));
      requests.add(new Request("GET", path, "Range", "bytes=0-1,5-6"));
      requests.add(new Request("GET", path, "If-None-Match", "\"" + sha + "\""));
      requests.add(new Request("GET", path, "If-None-Match", "W/\"" + sha + "\""));
      requests.add(new Request("GET", path, "If-None-Match", "\"other\", \"" + sha + "\""));
      requests.add(new Request("GET", path, "If-None-Match", "*"));
      requests.add(new Request("GET", path, "If-None-Match", "\"other\"", "Range", "bytes=1-2"));
      requests.add(new Request("POST", path));
      // near misses of a cached key stay what they were: refused, or not found
      requests.add(new Request("GET", path + "/"));
      requests.add(new Request("GET", "/apps/" + APP + "/blobs/sha256/" + sha.toUpperCase(java.util.Locale.ROOT)));
      requests.add(new Request("GET", path + "/../" + sha));
      requests.add(new Request("GET", "/apps/" + APP + "/blobs/sha256/./" + sha));
      requests.add(new Request("GET", "/apps/other-app/blobs/sha256/" + sha));
    }
    return requests;
  }

  @Test
  void theCacheAnswersByteForByteAsTheFileDoes() throws Exception {
    List<Request> requests = requests();
    // twice: the first pass fills the caches, the second is answered from them
    for (int pass = 0; pass < 2; pass++) {
      for (Request r : requests) {
        Seen expected = send(reference, r);
        for (int port : new int[] {memoryPort, smallPort}) {
          Seen got = send(port, r);
          assertThat(got.status()).as("pass %d, %s on %d", pass, r, port).isEqualTo(expected.status());
          assertThat(got.headers()).as("pass %d, %s on %d", pass, r, port).isEqualTo(expected.headers());
          assertThat(got.body()).as("pass %d, %s on %d", pass, r, port).isEqualTo(expected.body());
        }
      }
    }
    // the comparison ran against both kinds of cached blob, not against a cache that stayed empty
    assertThat(inMemory.size()).isEqualTo(blobCount);
    assertThat(inMemory.bytesHeld()).isPositive();
    assertThat(smallOnly.size()).isPositive().isLessThan(blobCount);
    assertThat(smallOnly.bytesHeld()).isLessThanOrEqualTo(2_048L * smallOnly.size());
  }

  @Test
  void tamperedFilesAreNeverKeptAndKeptBlobsStayTrue(@TempDir Path dir) throws Exception {
    PublishedStore store = new PublishedStore(dir);
    BlobCache blobs = BlobCache.defaults();
    ManifestServer server = ManifestServer.start(ServerConfig.defaults("127.0.0.1", 0, Optional.of(store.root)),
        store.directorySource(Duration.ofMinutes(10), new ServerMetrics()), new ServerMetrics(), List.of(), blobs);
    servers.add(server);
    var launch = store.r1.manifest().launchAsset();
    Path file = store.root.resolve(launch.url());
    byte[] original = Files.readAllBytes(file);
    byte[] tampered = original.clone();
    tampered[100] ^= 0x01;

    // tampered before the first request: sent as stored (the device refuses it), not kept
    Files.write(file, tampered);
    assertThat(send(server.port(), new Request("GET", "/" + launch.url())).body()).isEqualTo(tampered);
    assertThat(blobs.size()).isZero();
    Files.write(file, original);
    assertThat(send(server.port(), new Request("GET", "/" + launch.url())).body()).isEqualTo(original);
    assertThat(blobs.size()).isEqualTo(1);

    // changed after it was kept: what the name says is what goes out
    Files.write(file, tampered);
    Files.write(file, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
    byte[] sent = send(server.port(), new Request("GET", "/" + launch.url())).body();
    assertThat(com.kivyx.ota.store.Sha256.hex(sent)).isEqualTo(launch.sha256());
  }
}
