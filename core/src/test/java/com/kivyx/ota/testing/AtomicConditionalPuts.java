package com.kivyx.ota.testing;

import java.io.InputStream;
import org.gaul.s3proxy.S3ErrorCode;
import org.gaul.s3proxy.S3ProxyException;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Makes s3proxy's conditional PUTs atomic, as Amazon S3's are: s3proxy checks {@code If-Match}
 * and {@code If-None-Match} against a HEAD and then writes, so two racing writers can both
 * pass the check (seen in our race test as two index writes of the same version). Here the
 * check and the write happen under one lock.
 */
final class AtomicConditionalPuts extends ForwardingBlobStore {
  private final Object lock = new Object();

  AtomicConditionalPuts(BlobStore delegate) {
    super(delegate);
  }

  @Override
  public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
    if (request.ifMatch() == null && request.ifNoneMatch() == null) {
      return super.putBlob(request, content);
    }
    byte[] body;
    try {
      // Read the body first, as S3 does: a server that answers 412 before reading it and
      // closes the connection shows up at the client as a write error, not as the 412.
      body = content.readAllBytes();
    } catch (java.io.IOException e) {
      throw new S3ProxyException(S3ErrorCode.INTERNAL_ERROR, e);
    }
    synchronized (lock) {
      HeadObjectResponse current = delegate().blobMetadataIfPresent(request.bucket(), request.key());
      if ("*".equals(request.ifNoneMatch()) && current != null) {
        throw new S3ProxyException(S3ErrorCode.PRECONDITION_FAILED);
      }
      if (request.ifMatch() != null) {
        if (current == null) {
          throw new S3ProxyException(S3ErrorCode.NO_SUCH_KEY);
        }
        if (!unquote(request.ifMatch()).equals(unquote(current.eTag()))) {
          throw new S3ProxyException(S3ErrorCode.PRECONDITION_FAILED);
        }
      }
      return super.putBlob(request, new java.io.ByteArrayInputStream(body));
    }
  }

  private static String unquote(String etag) {
    return etag == null ? "" : etag.replace("\"", "");
  }
}
