package com.kivyx.ota.server;

import io.vertx.core.http.HttpServerRequest;

/**
 * Another device protocol served beside the v1 API (react-native-code-push's acquisition
 * API): every path under {@link #prefix()} goes to it. The server still does draining, request
 * metrics and the catch-all 500; the protocol answers everything else itself, on the event
 * loop, without blocking.
 */
public interface DeviceRoutes {
  /** Path prefix, such as {@code /v0.1/public/codepush/}. */
  String prefix();

  /** The metrics label of a path under the prefix, from a fixed set. */
  String route(String path);

  void handle(HttpServerRequest req, String route);
}
