package com.kivyx.ota.store;

/**
 * An immutable object already exists with other content, or content did not match the
 * SHA-256 it was written under. Never retried: it means corruption or a tampered store.
 */
public final class BlobMismatchException extends StoreException {
  private static final long serialVersionUID = 1L;

  public BlobMismatchException(String message) {
    super(message);
  }
}
