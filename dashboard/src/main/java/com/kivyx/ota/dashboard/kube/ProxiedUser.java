package com.kivyx.ota.dashboard.kube;

import java.util.List;

/** A person as the sign-in proxy in front names them: user name and groups (impersonation mode only). */
public record ProxiedUser(String name, List<String> groups) {
  public ProxiedUser {
    groups = List.copyOf(groups);
  }

  /** For messages: {@code alice (groups: releasers, ops)}. */
  public String describe() {
    return "'" + name + "'" + (groups.isEmpty() ? " (no groups)" : " (groups: " + String.join(", ", groups) + ")");
  }
}
