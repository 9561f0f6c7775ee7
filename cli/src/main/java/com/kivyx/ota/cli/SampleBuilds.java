package com.kivyx.ota.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What a CI server would have uploaded for the Releases in {@code examples/}: two builds of the
 * demo's sample bundle and one asset, served over plain http on the loopback interface (the
 * operator allows http only there; every file is pinned by its SHA-256 anyway).
 */
final class SampleBuilds implements AutoCloseable {
  /** The port {@code examples/} name; {@code demo --kubernetes} rewrites the URLs when it serves elsewhere. */
  static final int EXAMPLES_PORT = 8070; // not 8080 (device server) or 8090 (dashboard): the demo runs all three
  static final String EXAMPLES_BASE = "http://127.0.0.1:" + EXAMPLES_PORT + "/";

  /** Path under the base URL → bytes, exactly as {@code examples/release-*.yaml} pin them. */
  static final Map<String, byte[]> FILES = Map.of(
      "builds/100/index.android.bundle", DemoCommand.sampleBundle(1).getBytes(StandardCharsets.UTF_8),
      "builds/101/index.android.bundle", DemoCommand.sampleBundle(2).getBytes(StandardCharsets.UTF_8),
      "builds/101/assets/strings.json", "{\"greeting\":\"Hello from the update\",\"build\":101}\n".getBytes(StandardCharsets.UTF_8));

  private final HttpServer server;

  /** @param port 0 picks a free one */
  SampleBuilds(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    server.createContext("/", exchange -> {
      byte[] body = FILES.get(exchange.getRequestURI().getPath().substring(1));
      try (exchange; OutputStream out = exchange.getResponseBody()) {
        if (body == null || !"GET".equals(exchange.getRequestMethod())) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        exchange.sendResponseHeaders(200, body.length);
        out.write(body);
      }
    });
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
