package com.kivyx.ota.crds;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.List;

/** What a Release is: immutable once created (a CEL rule on the resource says so). */
public record ReleaseSpec(
    @JsonPropertyDescription("Name of the Channel (same namespace) whose store and signing key publish this release.")
        @Required @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
        String channel,
    @JsonPropertyDescription("App id, e.g. com.example.app.") @Required @Pattern("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$") String appId,
    @JsonPropertyDescription("ios or android.") @Required Platform platform,
    @JsonPropertyDescription("Version shown to people, e.g. 1.4.0.") @Required @Pattern("^\\S{1,64}$") String version,
    @JsonPropertyDescription("Number above every earlier release of this runtime version.") @Required @Min(0)
        Long versionCode,
    @JsonPropertyDescription("Native runtime the bundle needs; devices only get matching releases.") @Required @Pattern("^\\S{1,64}$")
        String runtimeVersion,
    @JsonPropertyDescription("The launch bundle.") @Required FileSourceSpec bundle,
    @JsonPropertyDescription("Assets shipped with the bundle.") List<FileSourceSpec> assets,
    @JsonPropertyDescription("Release notes.") String notes,
    @JsonPropertyDescription("The CI builder's attestation of these files (kivyx-ota attest: a DSSE envelope), checked against the Channel's provenance policy.")
        FileSourceSpec attestation) {

  /** A release without an attestation. */
  public ReleaseSpec(
      String channel, String appId, Platform platform, String version, Long versionCode, String runtimeVersion, FileSourceSpec bundle,
      List<FileSourceSpec> assets, String notes) {
    this(channel, appId, platform, version, versionCode, runtimeVersion, bundle, assets, notes, null);
  }

  /** The two platforms, as the API server validates them. */
  public enum Platform {
    ios,
    android
  }
}
