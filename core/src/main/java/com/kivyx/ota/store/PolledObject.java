package com.kivyx.ota.store;

import java.util.Optional;

/**
 * The answer to {@link ArtifactStore#readIfChanged}: unchanged since the ETag the caller
 * holds, gone, or new content.
 */
public record PolledObject(Status status, Optional<StoredObject> object) {
  public enum Status {
    NOT_MODIFIED,
    MISSING,
    CHANGED
  }

  public PolledObject {
    if ((status == Status.CHANGED) != object.isPresent()) {
      throw new IllegalArgumentException("only a CHANGED answer carries an object");
    }
  }

  public static PolledObject notModified() {
    return new PolledObject(Status.NOT_MODIFIED, Optional.empty());
  }

  public static PolledObject missing() {
    return new PolledObject(Status.MISSING, Optional.empty());
  }

  public static PolledObject changed(StoredObject object) {
    return new PolledObject(Status.CHANGED, Optional.of(object));
  }
}
