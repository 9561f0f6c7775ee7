package com.kivyx.ota.signing;

import com.kivyx.ota.aws.AwsClientSettings;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;

/** Builds KMS clients with the project's HTTP client and retry policy. */
public final class KmsClients {
  private KmsClients() {}

  public static KmsClient create(AwsClientSettings settings) {
    KmsClientBuilder builder =
        KmsClient.builder()
            .httpClient(settings.httpClient())
            .region(settings.region())
            .credentialsProvider(settings.credentials())
            .overrideConfiguration(settings.overrideConfiguration());
    settings.endpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }
}
