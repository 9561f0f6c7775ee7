package com.kivyx.ota.signing;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;

/** Builds KMS clients with the project's HTTP client and retry policy. */
public final class KmsClients {
  private KmsClients() {}

  /** Connection and retry settings; {@link #defaults()} suits production. */
  public record Settings(
      Optional<URI> endpoint,
      Region region,
      AwsCredentialsProvider credentials,
      int maxAttempts,
      Duration baseDelay,
      Duration maxDelay) {
    public static Settings defaults(
        Optional<URI> endpoint, Region region, AwsCredentialsProvider credentials) {
      return new Settings(
          endpoint, region, credentials, 6, Duration.ofMillis(100), Duration.ofSeconds(20));
    }
  }

  public static KmsClient create(Settings settings) {
    BackoffStrategy backoff =
        BackoffStrategy.exponentialDelay(settings.baseDelay(), settings.maxDelay());
    KmsClientBuilder builder =
        KmsClient.builder()
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(5))
                    .socketTimeout(Duration.ofSeconds(30)))
            .region(settings.region())
            .credentialsProvider(settings.credentials())
            .overrideConfiguration(
                ClientOverrideConfiguration.builder()
                    .retryStrategy(
                        AwsRetryStrategy.standardRetryStrategy().toBuilder()
                            .maxAttempts(settings.maxAttempts())
                            .backoffStrategy(backoff)
                            .throttlingBackoffStrategy(backoff)
                            // Throttling must be ridden out, not turned into a fast failure.
                            .circuitBreakerEnabled(false)
                            .build())
                    .build());
    settings.endpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }
}
