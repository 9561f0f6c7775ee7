package com.kivyx.ota.cli;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;

/**
 * Kubernetes clients for the commands. The jar carries two HTTP client factories of equal
 * priority (the JDK one the operator SDK ships with, and the dashboard's Vert.x one for its
 * per-click clients), and fabric8 picks between those at random; the commands name the JDK one.
 */
final class KubeClients {
  private KubeClients() {}

  static KubernetesClientBuilder builder() {
    return new KubernetesClientBuilder().withHttpClientFactory(new JdkHttpClientFactory());
  }
}
