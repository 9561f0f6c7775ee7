package com.kivyx.ota.publish;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where a file of a release comes from: a local path, {@code https://…} or {@code s3://bucket/key},
 * with the SHA-256 and size it must have when the caller knows them (the operator always
 * does; the CLI computes them from local files).
 */
public record FileSource(String location, Optional<String> sha256, OptionalLong size) {
  public FileSource {
    if (location == null || location.isBlank()) {
      throw new IllegalArgumentException("a file source needs a location");
    }
    sha256.ifPresent(
        s -> {
          if (!s.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("expected SHA-256 of " + location + " must be 64 lowercase hex characters");
          }
        });
  }

  public static FileSource of(String location) {
    return new FileSource(location, Optional.empty(), OptionalLong.empty());
  }
}
