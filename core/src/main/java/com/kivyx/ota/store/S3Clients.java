package com.kivyx.ota.store;

import com.kivyx.ota.aws.AwsClientSettings;
import java.util.List;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Builds S3 clients with the project's HTTP client and retry policy. */
public final class S3Clients {
  private S3Clients() {}

  /**
   * @param pathStyle bucket in the path rather than the host name; most S3-compatible servers need it
   */
  public static S3Client create(AwsClientSettings settings, boolean pathStyle) {
    return create(settings, pathStyle, List.of());
  }

  /** @param interceptors extra request/response hooks (metrics, tests) */
  public static S3Client create(AwsClientSettings settings, boolean pathStyle, List<ExecutionInterceptor> interceptors) {
    var override = settings.overrideConfiguration().toBuilder().addExecutionInterceptor(new DropExpectContinue());
    interceptors.forEach(override::addExecutionInterceptor);
    S3ClientBuilder builder =
        S3Client.builder()
            .httpClient(settings.httpClient())
            .region(settings.region())
            .credentialsProvider(settings.credentials())
            .overrideConfiguration(override.build())
            .forcePathStyle(pathStyle)
            // We send our own SHA-256 on every write; no extra CRC trailers that compatible servers may not parse.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    settings.endpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  /**
   * With the URL-connection HTTP client, a server that refuses a PUT before reading its body
   * (412 on a conditional write, 403) can surface as "error writing request body" instead of
   * its status; without {@code Expect: 100-continue} the real answer always comes back.
   */
  private static final class DropExpectContinue implements ExecutionInterceptor {
    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
      return context.httpRequest().toBuilder().removeHeader("Expect").build();
    }
  }
}
