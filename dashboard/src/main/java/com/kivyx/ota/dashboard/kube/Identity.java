package com.kivyx.ota.dashboard.kube;

import java.util.Optional;

/**
 * Who clicked: the bearer token a proxy in front (oauth2-proxy, an ingress auth gateway) passed in
 * {@code Authorization}, or none. The dashboard never keeps it beyond the request.
 */
public record Identity(Optional<String> bearerToken) {
  public static Identity fromAuthorization(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
      return new Identity(Optional.empty());
    }
    return new Identity(Optional.of(header.substring(7).trim()));
  }

  @Override
  public String toString() {
    return bearerToken.isPresent() ? "Identity[bearer token]" : "Identity[none]"; // never print the token
  }
}
