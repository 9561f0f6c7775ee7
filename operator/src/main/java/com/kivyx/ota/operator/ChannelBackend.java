package com.kivyx.ota.operator;

import com.kivyx.ota.signing.Signer;
import com.kivyx.ota.store.ArtifactStore;
import java.util.function.Function;
import software.amazon.awssdk.services.s3.S3Client;

/** The store and signing key a Channel names, opened for one reconcile. */
record ChannelBackend(ArtifactStore store, Signer signer, Function<String, S3Client> sourceS3, AutoCloseable resources) implements AutoCloseable {
  @Override
  public void close() throws Exception {
    resources.close();
  }
}
