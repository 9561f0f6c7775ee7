package com.kivyx.ota.testing;

import com.kivyx.ota.aws.AwsClientSettings;
import com.kivyx.ota.store.S3Clients;
import com.kivyx.ota.store.S3Store;
import com.kivyx.ota.store.Sha256;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The read side of S3 (GetObject with {@code If-None-Match}, HeadObject, ListObjectsV2),
 * path-style, in process: enough for pollers' tests. Writes go through {@link #put}; {@link
 * #failing} makes every request answer 503.
 */
public final class FakeS3 implements AutoCloseable {
  public static final String BUCKET = "kivyx-test";

  private final HttpServer server;
  private final Map<String, byte[]> objects = new ConcurrentSkipListMap<>();
  public final AtomicInteger gets = new AtomicInteger();
  public final AtomicInteger notModified = new AtomicInteger();
  public volatile boolean failing;

  public FakeS3() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** An S3Store on this server, with test credentials. */
  public S3Store store(String prefix) {
    AwsClientSettings settings =
        new AwsClientSettings(
            java.util.Optional.of(endpoint()),
            software.amazon.awssdk.regions.Region.EU_WEST_1,
            software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("AKIDTEST", "secret")),
            1, // no retries: tests want to see a failure at once
            java.time.Duration.ofMillis(10),
            java.time.Duration.ofMillis(50));
    return new S3Store(S3Clients.create(settings, true), BUCKET, prefix);
  }

  public void put(String key, byte[] content) {
    objects.put(key, content.clone());
  }

  public void remove(String key) {
    objects.remove(key);
  }

  private static String etag(byte[] content) {
    return "\"" + Sha256.hex(content).substring(0, 32) + "\"";
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      if (failing) {
        send(exchange, 503, error("SlowDown", "failing on purpose"), "application/xml");
        return;
      }
      String path = exchange.getRequestURI().getRawPath();
      String prefix = "/" + BUCKET;
      if (!path.startsWith(prefix)) {
        send(exchange, 404, error("NoSuchBucket", "no bucket"), "application/xml");
        return;
      }
      String key = URLDecoder.decode(path.substring(prefix.length()).replaceFirst("^/", ""), StandardCharsets.UTF_8);
      String method = exchange.getRequestMethod();
      if (key.isEmpty() && method.equals("GET")) {
        list(exchange);
        return;
      }
      byte[] content = objects.get(key);
      if (content == null) {
        send(exchange, 404, method.equals("HEAD") ? null : error("NoSuchKey", "no such key"), "application/xml");
        return;
      }
      String etag = etag(content);
      exchange.getResponseHeaders().add("ETag", etag);
      exchange.getResponseHeaders().add("Last-Modified", "Fri, 27 Nov 2026 10:00:00 GMT");
      if (method.equals("GET")) {
        gets.incrementAndGet();
        if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
          notModified.incrementAndGet();
          exchange.sendResponseHeaders(304, -1);
          return;
        }
        send(exchange, 200, content, "application/octet-stream");
      } else if (method.equals("HEAD")) {
        exchange.getResponseHeaders().add("Content-Length", String.valueOf(content.length));
        exchange.sendResponseHeaders(200, -1);
      } else {
        send(exchange, 405, error("MethodNotAllowed", method), "application/xml");
      }
    }
  }

  private void list(HttpExchange exchange) throws IOException {
    Map<String, String> query = new TreeMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        query.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    String prefix = query.getOrDefault("prefix", "");
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .append("<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>").append(BUCKET)
        .append("</Name><Prefix>").append(prefix).append("</Prefix><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>");
    int count = 0;
    for (Map.Entry<String, byte[]> e : objects.entrySet()) {
      if (e.getKey().startsWith(prefix)) {
        count++;
        xml.append("<Contents><Key>").append(e.getKey()).append("</Key><Size>").append(e.getValue().length)
            .append("</Size><ETag>").append(etag(e.getValue()).replace("\"", "&quot;")).append("</ETag></Contents>");
      }
    }
    xml.append("<KeyCount>").append(count).append("</KeyCount></ListBucketResult>");
    send(exchange, 200, xml.toString().getBytes(StandardCharsets.UTF_8), "application/xml");
  }

  private static byte[] error(String code, String message) {
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message + "</Message></Error>")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static void send(HttpExchange exchange, int status, byte[] body, String contentType) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", contentType);
    exchange.getResponseHeaders().add("x-amz-request-id", "fake-" + System.nanoTime());
    if (body == null) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
