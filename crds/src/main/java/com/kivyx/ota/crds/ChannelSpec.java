package com.kivyx.ota.crds;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** A channel of an app: where its artifacts live, which key signs them, how long an index lives. */
public record ChannelSpec(
    @JsonPropertyDescription("App id, e.g. com.example.app.") @Required @Pattern("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$") String appId,
    @JsonPropertyDescription("Channel name devices ask for (default: the resource name).") @Pattern("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
        String channel,
    @JsonPropertyDescription("Platforms with an index on this channel.") @Required @Size(min = 1, max = 2) List<ReleaseSpec.Platform> platforms,
    @JsonPropertyDescription("The key that signs manifests and indexes.") @Required SigningKey signingKey,
    @JsonPropertyDescription("Where artifacts and the index are stored.") @Required Store store,
    @JsonPropertyDescription("How long a signed index stays valid, e.g. 168h (default) or 30m; re-signed well before.")
        @Pattern("^([0-9]+(s|m|h))+$")
        String indexTtl,
    @JsonPropertyDescription("Also package every release for react-native-code-push clients (served by 'kivyx-ota serve --codepush-deployment').")
        CodePush codePush,
    @JsonPropertyDescription("Also publish Expo Updates manifests (expo-updates clients; docs/expo.md).") Expo expo,
    @JsonPropertyDescription("Attestations and the transparency log (docs/provenance.md).") Provenance provenance,
    @JsonPropertyDescription("Signing key rotation: the app's key set and keys being rotated out (docs/formats.md \"Key sets\").") Keys keys) {

  /** A channel without provenance or key rotation settings. */
  public ChannelSpec(String appId, String channel, List<ReleaseSpec.Platform> platforms, SigningKey signingKey, Store store, String indexTtl,
      CodePush codePush, Expo expo) {
    this(appId, channel, platforms, signingKey, store, indexTtl, codePush, expo, null, null);
  }

  /** A channel with provenance settings, without key rotation. */
  public ChannelSpec(String appId, String channel, List<ReleaseSpec.Platform> platforms, SigningKey signingKey, Store store, String indexTtl,
      CodePush codePush, Expo expo, Provenance provenance) {
    this(appId, channel, platforms, signingKey, store, indexTtl, codePush, expo, provenance, null);
  }

  /** A channel with key rotation settings, without provenance. */
  public ChannelSpec(String appId, String channel, List<ReleaseSpec.Platform> platforms, SigningKey signingKey, Store store, String indexTtl,
      CodePush codePush, Expo expo, Keys keys) {
    this(appId, channel, platforms, signingKey, store, indexTtl, codePush, expo, null, keys);
  }

  /** What a release of this channel must prove about its origin. */
  public record Provenance(
      @JsonPropertyDescription("required: a Release without an attestation by one of builderKeys is not published; optional (default): checked when present.")
          @Pattern("^(required|optional)$")
          String policy,
      @JsonPropertyDescription("Trusted CI builder keys.") List<BuilderKey> builderKeys,
      @JsonPropertyDescription("A Rekor v2 log the manifest's and attestation's signatures are logged to.") Rekor rekor) {}

  /** A trusted CI builder key. */
  public record BuilderKey(
      @Required @Pattern("^\\S{1,128}$") String name,
      @JsonPropertyDescription("SPKI PEM of the P-256 key.") @Required String publicKeyPem) {}

  /** A Rekor v2 (rekor-tiles) log and its checkpoint key. */
  public record Rekor(
      @Required @Pattern("^https?://\\S+$") String url,
      @JsonPropertyDescription("SPKI PEM of the log's P-256 checkpoint key.") @Required String publicKeyPem,
      @JsonPropertyDescription("Checkpoint origin (default: the URL's host).") String origin,
      @JsonPropertyDescription("required (default): no log entry, no release; optional: publish without one when the log is down.")
          @Pattern("^(required|optional)$")
          String policy) {}

  /** A channel for Kivyx OTA clients only: no CodePush packages, no Expo manifests. */
  public ChannelSpec(String appId, String channel, List<ReleaseSpec.Platform> platforms, SigningKey signingKey, Store store, String indexTtl) {
    this(appId, channel, platforms, signingKey, store, indexTtl, null, null, null, null);
  }

  /**
   * Where the signing key's trust comes from during and after a rotation. With either field set,
   * live manifests signed by another key are re-signed with signingKey.
   */
  public record Keys(
      @JsonPropertyDescription("Root public keys the app's key set (apps/<appId>/keys.cose in this Channel's store) is verified from. "
          + "When set, signingKey must be valid in the key set, and every key in it may have signed the index being built upon.")
          List<PublicKey> keySetRoots,
      @JsonPropertyDescription("Public keys whose existing index may be built upon: the previous signingKey while rotating away from it, "
          + "or a revoked one until the index is re-signed.")
          List<PublicKey> previousKeys) {}

  /** A P-256 public key by name, as 'kivyx-ota keys show' prints it. */
  public record PublicKey(
      @JsonPropertyDescription("Key name (kid).") @Required @Pattern("^[\\x21-\\x7e]{1,128}$") String kid,
      @JsonPropertyDescription("Uncompressed point as lowercase hex (04 || x || y).") @Required @Pattern("^04[0-9a-f]{128}$") String publicKeyHex) {}

  /** CodePush packaging: the bundle's file name in the zip is the one the app binary loads. */
  public record CodePush(
      @JsonPropertyDescription("Bundle file name in iOS packages (default: main.jsbundle).") @Pattern("^[A-Za-z0-9._-]{1,128}$")
          String iosBundleFileName,
      @JsonPropertyDescription("Bundle file name in Android packages (default: index.android.bundle).") @Pattern("^[A-Za-z0-9._-]{1,128}$")
          String androidBundleFileName) {}

  /** Expo Updates output: where devices download files from, and the Expo code-signing key. */
  public record Expo(
      @JsonPropertyDescription("Absolute http(s) URL of the store root devices download from (a CDN), e.g. https://cdn.example.com/ota/.")
          @Required
          @Pattern("^https?://\\S+$")
          String assetBaseUrl,
      @JsonPropertyDescription("Secret key holding the RSA private key (PEM) that signs Expo manifests and directives; unsigned without it.")
          SecretKeyRef signingKey,
      @JsonPropertyDescription("keyid of the Expo signature, as in the app's codeSigningMetadata (default: main).") @Pattern("^[A-Za-z0-9._~-]{1,128}$")
          String keyid,
      @JsonPropertyDescription("Secret key holding the PEM certificate chain (leaf first) served in the certificate_chain part.")
          SecretKeyRef certificateChain) {}

  /** Exactly one of a Secret holding a PKCS#8 PEM key, or an AWS KMS key. */
  @ValidationRule(value = "has(self.secretRef) != has(self.kmsKeyId)", message = "set exactly one of signingKey.secretRef or signingKey.kmsKeyId")
  public record SigningKey(
      @JsonPropertyDescription("Secret (same namespace) with the PEM key.") SecretKeyRef secretRef,
      @JsonPropertyDescription("AWS KMS key id, alias or ARN (ECC_NIST_P256, SIGN_VERIFY).") String kmsKeyId,
      @JsonPropertyDescription("KMS region (default: the operator's AWS_REGION).") String kmsRegion,
      @JsonPropertyDescription("KMS endpoint override.") String kmsEndpoint,
      @JsonPropertyDescription("Key name written into signatures and pinned by clients (default: the Secret name or KMS key id).")
          @Pattern("^\\S{1,128}$")
          String kid) {}

  /** A key of a Secret. */
  public record SecretKeyRef(@Required String name, @JsonPropertyDescription("Key in the Secret (default: key.pem).") String key) {}

  /** Exactly one of an S3 bucket or a directory (development only: it lives in the operator's pod). */
  @ValidationRule(value = "has(self.s3) != has(self.directory)", message = "set exactly one of store.s3 or store.directory")
  public record Store(S3 s3, @JsonPropertyDescription("A directory of the operator's file system, for development.") String directory) {}

  /** An S3 bucket (or S3-compatible server). */
  public record S3(
      @Required @Pattern("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$") String bucket,
      @JsonPropertyDescription("Key prefix, e.g. ota/prod.") @Pattern("^[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*$") String prefix,
      String region,
      @JsonPropertyDescription("Endpoint override for S3-compatible servers.") String endpoint,
      Boolean pathStyle,
      @JsonPropertyDescription("Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (default: the operator's own credentials).")
          String credentialsSecret) {}
}
