package com.kivyx.ota.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;

/**
 * How the project talks to AWS services (KMS, S3) and compatible servers: endpoint, region,
 * credentials, and retries with exponential backoff on throttling and 5xx answers.
 */
public record AwsClientSettings(
    Optional<URI> endpoint,
    Region region,
    AwsCredentialsProvider credentials,
    int maxAttempts,
    Duration baseDelay,
    Duration maxDelay) {

  public static AwsClientSettings defaults(Optional<URI> endpoint, Region region, AwsCredentialsProvider credentials) {
    return new AwsClientSettings(endpoint, region, credentials, 6, Duration.ofMillis(100), Duration.ofSeconds(20));
  }

  /**
   * The region named by {@code AWS_REGION} or {@code AWS_DEFAULT_REGION}. Only the environment
   * is read: the SDK's own chain would probe instance metadata, which stalls off AWS.
   */
  public static Optional<Region> regionFrom(java.util.Map<String, String> environment) {
    for (String variable : new String[] {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
      String value = environment.get(variable);
      if (value != null && !value.isBlank()) {
        return Optional.of(Region.of(value.trim()));
      }
    }
    return Optional.empty();
  }

  public SdkHttpClient httpClient() {
    return UrlConnectionHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(5))
        .socketTimeout(Duration.ofSeconds(60))
        .build();
  }

  public ClientOverrideConfiguration overrideConfiguration() {
    BackoffStrategy backoff = BackoffStrategy.exponentialDelay(baseDelay, maxDelay);
    return ClientOverrideConfiguration.builder()
        .retryStrategy(
            AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(maxAttempts)
                .backoffStrategy(backoff)
                .throttlingBackoffStrategy(backoff)
                // Throttling must be ridden out, not turned into a fast failure.
                .circuitBreakerEnabled(false)
                .build())
        .build();
  }
}
