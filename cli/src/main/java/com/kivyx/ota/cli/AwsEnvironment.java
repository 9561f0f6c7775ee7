package com.kivyx.ota.cli;

import com.kivyx.ota.aws.AwsClientSettings;
import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** AWS settings from the usual environment (region, credentials chain), for KMS and S3. */
final class AwsEnvironment {
  private AwsEnvironment() {}

  static AwsClientSettings settings(Optional<URI> endpoint, String forWhat) {
    return AwsClientSettings.defaults(endpoint, region(forWhat), DefaultCredentialsProvider.builder().build());
  }

  /** The environment, then the {@code aws.region} system property. */
  private static Region region(String forWhat) {
    Optional<Region> fromEnvironment = AwsClientSettings.regionFrom(System.getenv());
    if (fromEnvironment.isPresent()) {
      return fromEnvironment.get();
    }
    String property = System.getProperty("aws.region");
    if (property != null && !property.isBlank()) {
      return Region.of(property.trim());
    }
    throw new Cli.UsageError("no AWS region for " + forWhat + ": set AWS_REGION (or AWS_DEFAULT_REGION)");
  }
}
