package com.kivyx.ota.store;

import com.kivyx.ota.aws.AwsClientSettings;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
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
    S3ClientBuilder builder =
        S3Client.builder()
            .httpClient(settings.httpClient())
            .region(settings.region())
            .credentialsProvider(settings.credentials())
            .overrideConfiguration(settings.overrideConfiguration())
            .forcePathStyle(pathStyle)
            // We send our own SHA-256 on every write; no extra CRC trailers that compatible servers may not parse.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    settings.endpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }
}
