package com.kivyx.ota.signing;

import java.security.interfaces.ECPublicKey;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SignResponse;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * Signs with an AWS KMS asymmetric key ({@code ECC_NIST_P256}, {@code SIGN_VERIFY}). The key
 * never leaves KMS: we send the SHA-256 of the to-be-signed bytes as a DIGEST, turn the DER
 * answer into {@code r || s} and normalise it to low S. Throttling and 5xx answers are retried
 * by the client's retry strategy (see {@link KmsClients}).
 */
public final class KmsSigner implements Signer {
  private final KmsClient kms;
  private final String keyId;
  private final String kid;
  private final ECPublicKey publicKey;

  /** Reads the key's public half once, so a wrong or unusable key fails at start-up. */
  public KmsSigner(KmsClient kms, String keyId, String kid) {
    this.kms = kms;
    this.keyId = keyId;
    this.kid = kid;
    this.publicKey = fetchPublicKey();
  }

  @Override
  public String kid() {
    return kid;
  }

  @Override
  public ECPublicKey publicKey() {
    return publicKey;
  }

  @Override
  public byte[] sign(byte[] data) {
    SignResponse response;
    try {
      response =
          kms.sign(
              b ->
                  b.keyId(keyId)
                      .message(SdkBytes.fromByteArray(LocalKeySigner.sha256(data)))
                      .messageType(MessageType.DIGEST)
                      .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256));
    } catch (KmsException e) {
      throw failure("sign with", e);
    } catch (SdkClientException e) {
      throw unreachable(e);
    }
    byte[] rs;
    try {
      rs = Es256.normaliseLowS(Es256.derToRs(response.signature().asByteArray()));
    } catch (IllegalArgumentException e) {
      throw new SigningException("AWS KMS returned a malformed signature: " + e.getMessage(), e);
    }
    // A signature that does not verify would be published and then refused by every device.
    try {
      Es256.verify(publicKey, data, rs, Es256.LowS.REQUIRED);
    } catch (CoseRejectedException e) {
      throw new SigningException(
          "AWS KMS key " + keyId + " returned a signature that does not verify: " + e.getMessage());
    }
    return rs;
  }

  private ECPublicKey fetchPublicKey() {
    GetPublicKeyResponse response;
    try {
      response = kms.getPublicKey(b -> b.keyId(keyId));
    } catch (KmsException e) {
      throw failure("read the public key of", e);
    } catch (SdkClientException e) {
      throw unreachable(e);
    }
    if (response.keySpec() != KeySpec.ECC_NIST_P256) {
      throw new SigningException(
          "AWS KMS key " + keyId + " is " + response.keySpecAsString()
              + "; Kivyx OTA needs an ECC_NIST_P256 key");
    }
    if (response.keyUsage() != null && response.keyUsage() != KeyUsageType.SIGN_VERIFY) {
      throw new SigningException(
          "AWS KMS key " + keyId + " has usage " + response.keyUsageAsString()
              + "; create it with KeyUsage SIGN_VERIFY");
    }
    return PemKeys.publicKeyFromSpki(response.publicKey().asByteArray());
  }

  private SigningException failure(String action, KmsException e) {
    String code = e.awsErrorDetails() == null ? "unknown" : e.awsErrorDetails().errorCode();
    String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
    return new SigningException(
        "AWS KMS could not " + action + " key " + keyId + " (" + code + ": " + message
            + "); check the key id, its state and the caller's kms:Sign / kms:GetPublicKey permissions",
        e);
  }

  private SigningException unreachable(SdkClientException e) {
    return new SigningException(
        "could not reach AWS KMS for key " + keyId + ": " + e.getMessage()
            + "; check the region, endpoint and credentials",
        e);
  }
}
