package com.kivyx.ota.publish;

import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.store.DirectoryStore;
import java.nio.file.Files;

class DirectoryPipelineTest extends PipelineContract {
  @Override
  ArtifactStore newStore() {
    return new DirectoryStore(work.resolve("store"));
  }

  @Override
  ArtifactStore newStoreLike(ArtifactStore store) {
    return new DirectoryStore(((DirectoryStore) store).root());
  }

  @Override
  void overwrite(ArtifactStore store, String key, byte[] content) throws Exception {
    Files.write(((DirectoryStore) store).fileFor(key), content);
  }
}
