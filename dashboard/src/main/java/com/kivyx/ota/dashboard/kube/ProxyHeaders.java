package com.kivyx.ota.dashboard.kube;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The headers a sign-in proxy (oauth2-proxy and friends) sets with the person's name and groups,
 * as kube-apiserver's {@code --requestheader-username-headers} / {@code -group-headers}. Read only
 * in impersonation mode, and only trustworthy when the proxy strips copies a client sent.
 * Groups may come as repeated headers, comma-separated, or both.
 */
public record ProxyHeaders(String userHeader, String groupsHeader) {
  public static final ProxyHeaders DEFAULT = new ProxyHeaders("X-Forwarded-User", "X-Forwarded-Groups");

  public ProxyHeaders {
    if (userHeader == null || userHeader.isBlank() || groupsHeader == null || groupsHeader.isBlank()) {
      throw new IllegalArgumentException("the user and groups header names must not be empty");
    }
  }

  /** @param headers all values of a request header by name (case-insensitive, as HTTP) */
  public Optional<ProxiedUser> read(Function<String, List<String>> headers) {
    List<String> users = headers.apply(userHeader).stream().map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
    if (users.size() != 1) {
      return Optional.empty(); // none, or two different names: never guess who it is
    }
    List<String> groups = new ArrayList<>();
    for (String value : headers.apply(groupsHeader)) {
      for (String group : value.split(",")) {
        if (!group.isBlank() && !groups.contains(group.trim())) {
          groups.add(group.trim());
        }
      }
    }
    return Optional.of(new ProxiedUser(users.get(0), groups));
  }
}
