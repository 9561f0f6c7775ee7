package com.kivyx.ota.server.codepush;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Optional;

/**
 * A {@code report_status/deploy} or {@code report_status/download} body, checked. Deploy:
 * {@code {app_version, deployment_key, client_unique_id?, label?, status?,
 * previous_label_or_app_version?, previous_deployment_key?}}, where a labelled report needs a
 * status; download: {@code {client_unique_id, deployment_key, label}}. CamelCase names are read too.
 *
 * @param type the device event it counts as ({@code healthy}, {@code rolledBack}, {@code
 *     downloaded}), empty for a report that counts nothing (the binary's own version running)
 */
record StatusReport(String deploymentKey, Optional<String> label, Optional<String> type) {
  static final String SUCCEEDED = "DeploymentSucceeded";
  static final String FAILED = "DeploymentFailed";

  private static final ObjectMapper JSON =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(4).maxStringLength(4096).build())
                  .build())
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  static StatusReport deploy(byte[] body) throws CodePushRequestException {
    JsonNode root = object(body);
    String key = key(root);
    text(root, "app_version", "appVersion", 64)
        .orElseThrow(() -> CodePushRequestException.malformed("A deploy status report must contain a valid app_version and deployment_key."));
    text(root, "client_unique_id", "clientUniqueId", 128);
    text(root, "previous_label_or_app_version", "previousLabelOrAppVersion", 128);
    Optional<String> previousKey = text(root, "previous_deployment_key", "previousDeploymentKey", 256);
    if (previousKey.isPresent() && !DeploymentKeys.isKey(previousKey.get())) {
      throw CodePushRequestException.malformed("previous_deployment_key is not a deployment key");
    }
    Optional<String> label = text(root, "label", "label", 128);
    Optional<String> status = text(root, "status", "status", 32);
    if (status.isPresent() && !status.get().equals(SUCCEEDED) && !status.get().equals(FAILED)) {
      throw CodePushRequestException.malformed("Invalid status: status is DeploymentSucceeded or DeploymentFailed.");
    }
    if (label.isEmpty()) {
      return new StatusReport(key, label, Optional.empty());
    }
    if (status.isEmpty()) {
      throw CodePushRequestException.malformed("A deploy status report for a labelled package must contain a valid status.");
    }
    return new StatusReport(key, label, Optional.of(status.get().equals(SUCCEEDED) ? "healthy" : "rolledBack"));
  }

  static StatusReport download(byte[] body) throws CodePushRequestException {
    JsonNode root = object(body);
    String key = key(root);
    text(root, "client_unique_id", "clientUniqueId", 128);
    String label = text(root, "label", "label", 128)
        .orElseThrow(() -> CodePushRequestException.malformed("A download status report must contain a valid deployment_key and package label."));
    return new StatusReport(key, Optional.of(label), Optional.of("downloaded"));
  }

  private static JsonNode object(byte[] body) throws CodePushRequestException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw CodePushRequestException.malformed("the body is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw CodePushRequestException.malformed("the body must be a JSON object");
    }
    return root;
  }

  private static String key(JsonNode root) throws CodePushRequestException {
    return text(root, "deployment_key", "deploymentKey", 256)
        .filter(DeploymentKeys::isKey)
        .orElseThrow(() -> CodePushRequestException.malformed("A status report must contain a valid deployment_key."));
  }

  private static Optional<String> text(JsonNode root, String name, String legacyName, int maxLength) throws CodePushRequestException {
    JsonNode value = root.get(name);
    if (value == null || value.isNull()) {
      value = root.get(legacyName);
    }
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isTextual() || value.textValue().length() > maxLength) {
      throw CodePushRequestException.malformed(name + " must be a string of at most " + maxLength + " characters");
    }
    for (char c : value.textValue().toCharArray()) {
      if (Character.isISOControl(c)) {
        throw CodePushRequestException.malformed(name + " must not contain control characters");
      }
    }
    return value.textValue().isEmpty() ? Optional.empty() : Optional.of(value.textValue());
  }
}
