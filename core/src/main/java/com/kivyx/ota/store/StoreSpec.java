package com.kivyx.ota.store;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a store is, as written on a command line: a directory path, {@code dir:PATH}, or
 * {@code s3://bucket/prefix}.
 */
public record StoreSpec(Optional<Path> directory, Optional<String> bucket, String prefix) {
  public static StoreSpec parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("a store is a directory, dir:PATH or s3://bucket/prefix");
    }
    if (text.startsWith("s3://")) {
      URI uri = URI.create(text);
      String bucket = uri.getHost();
      if (bucket == null || bucket.isBlank()) {
        throw new IllegalArgumentException("'" + text + "' has no bucket; write s3://bucket/prefix");
      }
      String prefix = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+|/+$", "");
      if (!prefix.isEmpty() && !StoreKeys.isSafe(prefix)) {
        throw new IllegalArgumentException("S3 prefix '" + prefix + "' may use letters, digits, '.', '_', '~', '-' and '/' only");
      }
      return new StoreSpec(Optional.empty(), Optional.of(bucket), prefix);
    }
    if (text.contains("://")) {
      throw new IllegalArgumentException("unsupported store '" + text + "'; use a directory, dir:PATH or s3://bucket/prefix");
    }
    return new StoreSpec(Optional.of(Path.of(text.startsWith("dir:") ? text.substring(4) : text)), Optional.empty(), "");
  }
}
