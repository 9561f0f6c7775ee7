package com.kivyx.ota.server.codepush;

import com.kivyx.ota.format.Semver;
import com.kivyx.ota.server.QueryParams;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The query of {@code update_check} as the code-push 4.x acquisition SDK sends it ({@code
 * deployment_key, app_version, package_hash, is_companion, label, client_unique_id}; the older
 * camelCase names are read too).
 *
 * @param appVersion normalised to full semver as the reference server does ({@code 1} → {@code
 *     1.0.0}, {@code 2.0} → {@code 2.0.0}): this is the runtime version matched against releases
 * @param sentAppVersion as sent: echoed back, since the client compares it with its binary's
 */
record UpdateCheckQuery(
    String deploymentKey, String appVersion, String sentAppVersion, Optional<String> packageHash, Optional<String> label, String clientUniqueId) {
  private static final Pattern PLAIN_INTEGER = Pattern.compile("\\d+");
  private static final Pattern NO_PATCH = Pattern.compile("(\\d+\\.\\d+)([+-].*)?");

  static UpdateCheckQuery parse(QueryParams params) throws CodePushRequestException {
    String key = param(params, "deployment_key", "deploymentKey", 256)
        .filter(DeploymentKeys::isKey)
        .orElseThrow(() -> CodePushRequestException.malformed(
            "An update check must include a valid deployment key; check CodePushDeploymentKey in the app's configuration."));
    String sent = param(params, "app_version", "appVersion", 64)
        .orElseThrow(() -> CodePushRequestException.malformed("An update check must include the binary version (app_version), such as 1.0.0."));
    String normalised = normalise(sent)
        .orElseThrow(() -> CodePushRequestException.malformed(
            "An update check must include a binary version that conforms to the semver standard (e.g. '1.0.0'); got an app_version that does not."));
    String client = param(params, "client_unique_id", "clientUniqueId", 128)
        .orElseThrow(() -> CodePushRequestException.malformed("An update check must include client_unique_id: it places the device in a rollout."));
    Optional<String> isCompanion = param(params, "is_companion", "isCompanion", 8);
    if (isCompanion.isPresent() && !isCompanion.get().equals("true") && !isCompanion.get().equals("false")) {
      throw CodePushRequestException.malformed("is_companion is true or false");
    }
    return new UpdateCheckQuery(
        key, normalised, sent, param(params, "package_hash", "packageHash", 128), param(params, "label", "label", 128), client);
  }

  /** The reference server's leniency: {@code 1} and {@code 2.0} are read as {@code 1.0.0} and {@code 2.0.0}. */
  static Optional<String> normalise(String version) {
    if (Semver.parse(version).isPresent()) {
      return Optional.of(version); // already full semver, as binaries mostly send it
    }
    String full = version;
    if (PLAIN_INTEGER.matcher(version).matches()) {
      full = version + ".0.0";
    } else {
      java.util.regex.Matcher m = NO_PATCH.matcher(version);
      if (m.matches()) {
        full = m.group(1) + ".0" + (m.group(2) == null ? "" : m.group(2));
      }
    }
    return Semver.parse(full).isPresent() ? Optional.of(full) : Optional.empty();
  }

  private static Optional<String> param(QueryParams params, String name, String legacyName, int maxLength) throws CodePushRequestException {
    String given = name;
    int count = params.count(name);
    if (count == 0 && !legacyName.equals(name)) {
      given = legacyName;
      count = params.count(legacyName);
    }
    if (count > 1) {
      throw CodePushRequestException.malformed("parameter " + name + " is given " + count + " times; give it once");
    }
    String value = params.get(given);
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    if (value.length() > maxLength) {
      throw CodePushRequestException.malformed("parameter " + name + " is longer than " + maxLength + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        throw CodePushRequestException.malformed("parameter " + name + " must not contain control characters");
      }
    }
    return Optional.of(value);
  }
}
