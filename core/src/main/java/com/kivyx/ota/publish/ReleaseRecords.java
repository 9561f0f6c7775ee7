package com.kivyx.ota.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.kivyx.ota.format.CanonicalJson;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.store.StoreException;
import com.kivyx.ota.store.StoreLayout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads and writes {@link ReleaseRecord}s in a store. */
final class ReleaseRecords {
  private final ArtifactStore store;
  private final Documents documents = new Documents();

  ReleaseRecords(ArtifactStore store) {
    this.store = store;
  }

  List<ReleaseRecord> all(String appId, Platform platform) {
    List<ReleaseRecord> records = new ArrayList<>();
    for (String key : store.list(StoreLayout.releasesPrefix(appId, platform))) {
      if (key.endsWith(".json")) {
        store.read(key).ifPresent(o -> records.add(parse(key, o.bytes())));
      }
    }
    return records;
  }

  Optional<ReleaseRecord> find(String appId, Platform platform, String releaseId) {
    String key = StoreLayout.releaseRecord(appId, platform, releaseId);
    return store.read(key).map(o -> parse(key, o.bytes()));
  }

  void write(String appId, Platform platform, ReleaseRecord record) {
    byte[] json = CanonicalJson.write(documents.mapper().valueToTree(record));
    store.putImmutable(StoreLayout.releaseRecord(appId, platform, record.releaseId()), json, StoreLayout.JSON_CONTENT_TYPE);
  }

  private ReleaseRecord parse(String key, byte[] json) {
    try {
      return documents.mapper().readValue(json, ReleaseRecord.class);
    } catch (JsonProcessingException e) {
      throw new StoreException("release record " + key + " is unreadable: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new StoreException("release record " + key + " is unreadable: " + e.getMessage(), e);
    }
  }
}
