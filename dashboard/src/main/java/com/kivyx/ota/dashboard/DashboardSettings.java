package com.kivyx.ota.dashboard;

/**
 * Where the dashboard listens, and the device server's base URL for the explainer's curl line.
 *
 * @param deviceServerUrl e.g. {@code http://127.0.0.1:8080}; pages print it as the server to ask
 */
public record DashboardSettings(String host, int port, String deviceServerUrl) {
  public DashboardSettings {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0-65535, got " + port);
    }
  }
}
