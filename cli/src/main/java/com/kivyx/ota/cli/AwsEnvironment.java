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

  /** From the environment only: probing instance metadata would stall off AWS. */
  private static Region region(String forWhat) {
    for (String variable : new String[] {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
      String value = System.getenv(variable);
      if (value != null && !value.isBlank()) {
        return Region.of(value.trim());
      }
    }
    String property = System.getProperty("aws.region");
    if (property != null && !property.isBlank()) {
      return Region.of(property.trim());
    }
    throw new Cli.UsageError("no AWS region for " + forWhat + ": set AWS_REGION (or AWS_DEFAULT_REGION)");
  }
}
