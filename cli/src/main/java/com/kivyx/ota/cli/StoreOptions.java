package com.kivyx.ota.cli;

import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.store.DirectoryStore;
import com.kivyx.ota.store.S3Clients;
import com.kivyx.ota.store.S3Store;
import com.kivyx.ota.store.StoreSpec;
import java.net.URI;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --store} and the S3 options every store command shares. */
final class StoreOptions {
  @Option(names = "--store", required = true, paramLabel = "STORE", description = "A directory, dir:PATH, or s3://bucket/prefix.")
  String store;

  @Option(names = "--s3-endpoint", paramLabel = "URL", description = "S3 endpoint override (S3-compatible servers).")
  URI s3Endpoint;

  @Option(names = "--s3-path-style", description = "Address the bucket in the path, as most S3-compatible servers need.")
  boolean s3PathStyle;

  ArtifactStore open() {
    StoreSpec spec;
    try {
      spec = StoreSpec.parse(store);
    } catch (IllegalArgumentException e) {
      throw new Cli.UsageError(e.getMessage());
    }
    if (spec.directory().isPresent()) {
      return new DirectoryStore(spec.directory().get());
    }
    return new S3Store(
        S3Clients.create(AwsEnvironment.settings(Optional.ofNullable(s3Endpoint), "S3"), s3PathStyle), spec.bucket().get(), spec.prefix());
  }
}
