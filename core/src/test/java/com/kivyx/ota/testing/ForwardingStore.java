package com.kivyx.ota.testing;

import com.kivyx.ota.store.ArtifactStore;
import com.kivyx.ota.store.PolledObject;
import com.kivyx.ota.store.StoredObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A real store with every call passed on: tests override the one call where they step in (a race, a crash). */
public class ForwardingStore implements ArtifactStore {
  protected final ArtifactStore delegate;

  public ForwardingStore(ArtifactStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public Optional<StoredObject> read(String key) {
    return delegate.read(key);
  }

  @Override
  public PolledObject readIfChanged(String key, Optional<String> etag) {
    return delegate.readIfChanged(key, etag);
  }

  @Override
  public boolean exists(String key) {
    return delegate.exists(key);
  }

  @Override
  public void putImmutable(String key, Path file, String sha256, String contentType) {
    delegate.putImmutable(key, file, sha256, contentType);
  }

  @Override
  public void putImmutable(String key, byte[] content, String contentType) {
    delegate.putImmutable(key, content, contentType);
  }

  @Override
  public boolean compareAndSwap(String key, byte[] content, Optional<String> expectedEtag, String contentType) {
    return delegate.compareAndSwap(key, content, expectedEtag, contentType);
  }

  @Override
  public List<String> list(String prefix) {
    return delegate.list(prefix);
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
