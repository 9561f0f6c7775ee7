package com.kivyx.ota.publish;

import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.testing.S3TestServer;
import org.junit.jupiter.api.AfterEach;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The same publish → verify contract against a real S3-compatible server. */
class S3PipelineIT extends PipelineContract {
  private S3TestServer server;

  @Override
  ArtifactStore newStore() throws Exception {
    server = new S3TestServer(work.resolve("s3-data"));
    return server.store("tenant-a/ota");
  }

  @Override
  ArtifactStore newStoreLike(ArtifactStore store) {
    return server.store("tenant-a/ota");
  }

  @Override
  void overwrite(ArtifactStore store, String key, byte[] content) {
    try (S3Client raw = server.client(S3TestServer.SECRET_KEY)) {
      raw.putObject(b -> b.bucket(S3TestServer.BUCKET).key("tenant-a/ota/" + key), RequestBody.fromBytes(content));
    }
  }

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }
}
