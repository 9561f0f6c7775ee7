package com.kivyx.ota.dashboard.kube;

import java.util.Optional;

/**
 * Who clicked: the bearer token a proxy in front (oauth2-proxy, an ingress auth gateway) passed in
 * {@code Authorization} (token mode), or the person it named in its headers (impersonation mode),
 * or none. The dashboard never keeps either beyond the request.
 */
public record Identity(Optional<String> bearerToken, Optional<ProxiedUser> proxied) {
  public Identity(Optional<String> bearerToken) {
    this(bearerToken, Optional.empty());
  }

  public static Identity fromAuthorization(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
      return new Identity(Optional.empty());
    }
    return new Identity(Optional.of(header.substring(7).trim()));
  }

  public static Identity proxied(Optional<ProxiedUser> user) {
    return new Identity(Optional.empty(), user);
  }

  @Override
  public String toString() {
    // never print the token
    return bearerToken.isPresent() ? "Identity[bearer token]" : proxied.map(u -> "Identity[" + u.describe() + "]").orElse("Identity[none]");
  }
}
