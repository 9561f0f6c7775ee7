package com.kivyx.ota.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A store in an S3 bucket (or an S3-compatible server) under an optional prefix. Immutable
 * objects are written with {@code If-None-Match: *} and their SHA-256 checksum, so the server
 * refuses damaged uploads and a second writer cannot replace them; the index is written with
 * {@code If-Match} on the ETag that was read (compare-and-swap). Throttling and 5xx answers are
 * retried by the client (see {@link S3Clients}).
 */
public final class S3Store implements ArtifactStore {
  private static final int PRECONDITION_FAILED = 412;
  private static final int CONFLICT = 409;
  private static final int NOT_MODIFIED = 304;

  private final S3Client s3;
  private final String bucket;
  private final String prefix;

  /** @param prefix a key prefix without leading or trailing slash, or empty */
  public S3Store(S3Client s3, String bucket, String prefix) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix.isEmpty() ? "" : StoreKeys.requireSafe(prefix) + "/";
  }

  @Override
  public Optional<StoredObject> read(String key) {
    try {
      ResponseBytes<GetObjectResponse> response = s3.getObjectAsBytes(b -> b.bucket(bucket).key(objectKey(key)));
      return Optional.of(new StoredObject(response.asByteArray(), response.response().eTag()));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw failure("read", key, e);
    } catch (SdkClientException e) {
      throw unreachable(e);
    }
  }

  @Override
  public PolledObject readIfChanged(String key, Optional<String> etag) {
    try {
      ResponseBytes<GetObjectResponse> response =
          s3.getObjectAsBytes(b -> b.bucket(bucket).key(objectKey(key)).ifNoneMatch(etag.orElse(null)));
      return PolledObject.changed(new StoredObject(response.asByteArray(), response.response().eTag()));
    } catch (NoSuchKeyException e) {
      return PolledObject.missing();
    } catch (S3Exception e) {
      if (e.statusCode() == NOT_MODIFIED) {
        return PolledObject.notModified();
      }
      if (e.statusCode() == 404) {
        return PolledObject.missing();
      }
      throw failure("read", key, e);
    } catch (SdkClientException e) {
      throw unreachable(e);
    }
  }

  @Override
  public boolean exists(String key) {
    return head(key).isPresent();
  }

  @Override
  public void putImmutable(String key, Path file, String sha256, String contentType) {
    String actual = Sha256.hex(file);
    if (!actual.equals(sha256)) {
      throw new BlobMismatchException(file + " has SHA-256 " + actual + ", expected " + sha256 + "; refusing to upload it as " + key);
    }
    putImmutable(key, RequestBody.fromFile(file), sha256, contentType);
  }

  @Override
  public void putImmutable(String key, byte[] content, String contentType) {
    putImmutable(key, RequestBody.fromBytes(content), Sha256.hex(content), contentType);
  }

  private void putImmutable(String key, RequestBody body, String sha256, String contentType) {
    PutObjectRequest request =
        PutObjectRequest.builder()
            .bucket(bucket)
            .key(objectKey(key))
            .ifNoneMatch("*")
            .checksumSHA256(Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256)))
            .contentType(contentType)
            .cacheControl(StoreLayout.cacheControl(key))
            .build();
    try {
      s3.putObject(request, body);
    } catch (S3Exception e) {
      if (e.statusCode() == PRECONDITION_FAILED || e.statusCode() == CONFLICT) {
        requireSameContent(key, sha256); // someone wrote it first: fine if it is the same bytes
        return;
      }
      if ("BadDigest".equals(errorCode(e)) || "XAmzContentSHA256Mismatch".equals(errorCode(e))) {
        throw new BlobMismatchException("S3 refused " + key + ": the uploaded bytes do not match SHA-256 " + sha256);
      }
      throw failure("write", key, e);
    } catch (SdkClientException e) {
      // As for compareAndSwap: an early 412 can look like a write error. If the object is
      // there with our content, the write (ours or an earlier one) succeeded.
      Optional<StoredObject> existing;
      try {
        existing = read(key);
      } catch (StoreException unreadable) {
        throw unreachable(e);
      }
      if (existing.isEmpty()) {
        throw unreachable(e);
      }
      if (!Sha256.hex(existing.get().bytes()).equals(sha256)) {
        throw mismatch(key, sha256);
      }
    }
  }

  @Override
  public boolean compareAndSwap(String key, byte[] content, Optional<String> expectedEtag, String contentType) {
    PutObjectRequest.Builder request =
        PutObjectRequest.builder()
            .bucket(bucket)
            .key(objectKey(key))
            .checksumSHA256(Base64.getEncoder().encodeToString(HexFormat.of().parseHex(Sha256.hex(content))))
            .contentType(contentType)
            .cacheControl(StoreLayout.cacheControl(key));
    if (expectedEtag.isPresent()) {
      request.ifMatch(expectedEtag.get());
    } else {
      request.ifNoneMatch("*");
    }
    try {
      s3.putObject(request.build(), RequestBody.fromBytes(content));
      return true;
    } catch (S3Exception e) {
      if (e.statusCode() == PRECONDITION_FAILED || e.statusCode() == CONFLICT || (e.statusCode() == 404 && expectedEtag.isPresent())) {
        // Another writer changed (or removed) it since we read it, unless the client retried
        // an attempt of ours that had already landed: then our bytes are there.
        return storedBytesAre(key, content);
      }
      throw failure("replace", key, e);
    } catch (SdkClientException e) {
      // The outcome is unknown (a server may answer 412 and close before reading the body,
      // which the client sees as a write error). What is stored now decides: our bytes mean
      // the write landed; anything else is a lost race, and the caller reads again.
      return storedBytesAre(key, content);
    }
  }

  private boolean storedBytesAre(String key, byte[] content) {
    return read(key).map(o -> java.util.Arrays.equals(o.bytes(), content)).orElse(false);
  }

  @Override
  public List<String> list(String keyPrefix) {
    List<String> keys = new ArrayList<>();
    try {
      for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + keyPrefix)).contents()) {
        keys.add(object.key().substring(prefix.length()));
      }
    } catch (S3Exception e) {
      throw failure("list", keyPrefix, e);
    } catch (SdkClientException e) {
      throw unreachable(e);
    }
    return keys;
  }

  @Override
  public String describe() {
    return "s3://" + bucket + "/" + prefix;
  }

  @Override
  public void close() {
    s3.close();
  }

  private Optional<HeadObjectResponse> head(String key) {
    try {
      return Optional.of(s3.headObject(b -> b.bucket(bucket).key(objectKey(key)).checksumMode(ChecksumMode.ENABLED)));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw failure("inspect", key, e);
    } catch (SdkClientException e) {
      throw unreachable(e);
    }
  }

  /** An existing immutable object must hold the bytes we meant to write. */
  private void requireSameContent(String key, String sha256) {
    Optional<HeadObjectResponse> head = head(key);
    String expected = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256));
    if (head.isPresent() && expected.equals(head.get().checksumSHA256())) {
      return;
    }
    // Not every S3-compatible server keeps checksums: compare the bytes themselves.
    Optional<StoredObject> existing = read(key);
    if (existing.isPresent() && Sha256.hex(existing.get().bytes()).equals(sha256)) {
      return;
    }
    throw mismatch(key, sha256);
  }

  private BlobMismatchException mismatch(String key, String sha256) {
    return new BlobMismatchException(
        describe() + key + " already exists with other content than SHA-256 " + sha256
            + "; immutable objects never change, so the bucket may be damaged");
  }

  private String objectKey(String key) {
    return prefix + StoreKeys.requireSafe(key);
  }

  private static String errorCode(S3Exception e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }

  private StoreException failure(String action, String key, S3Exception e) {
    String code = errorCode(e);
    String hint =
        e.statusCode() == 403
            ? "; check the credentials and that they may access bucket " + bucket
            : e.statusCode() == 404 ? "; check that bucket " + bucket + " exists" : "";
    return new StoreException(
        "S3 could not " + action + " " + describe() + key + " (HTTP " + e.statusCode() + (code == null ? "" : " " + code) + ")" + hint, e);
  }

  private StoreException unreachable(SdkClientException e) {
    return new StoreException("could not reach S3 for " + describe() + ": " + e.getMessage() + "; check the endpoint and network", e);
  }
}
