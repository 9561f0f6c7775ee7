package com.kivyx.ota.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.provenance.AttestationRejectedException.Reason;
import com.kivyx.ota.signing.LocalKeySigner;
import com.kivyx.ota.testing.SampleDocuments;
import com.kivyx.ota.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AttestationVerifierTest {
  static final ObjectMapper MAPPER = new Documents().mapper();
  static final LocalKeySigner BUILDER = TestKeys.signer("ci-builder");
  static final List<Subject> FILES =
      List.of(new Subject("index.android.bundle", SampleDocuments.sha256Hex("bundle")), new Subject("assets/logo.png", SampleDocuments.sha256Hex("logo")));
  static final BuildDescription BUILD =
      new BuildDescription("https://ci.example/acme/app/ota.yml@refs/heads/main", "https://git.example/acme/app", "0123456789abcdef0123456789abcdef01234567",
          "npx react-native bundle --platform android", Optional.of("run-42"));

  static byte[] attestation(LocalKeySigner signer, List<Subject> subjects) {
    byte[] statement = ProvenanceStatement.write(subjects, BUILD, "0.1.0", MAPPER);
    return Dsse.sign(signer, Dsse.IN_TOTO_PAYLOAD_TYPE, statement).toJson(MAPPER);
  }

  AttestationVerifier verifier() {
    return new AttestationVerifier(Map.of("ci-builder", BUILDER.publicKey()), MAPPER);
  }

  @Test
  void anAttestationOfTheseFilesByATrustedBuilderIsAccepted() throws Exception {
    VerifiedAttestation v = verifier().verify(attestation(BUILDER, FILES), FILES);
    assertThat(v.builderKeyId()).isEqualTo("ci-builder");
    assertThat(v.builderId()).isEqualTo(BUILD.builderId());
    assertThat(v.sourceCommit()).isEqualTo(BUILD.sourceCommit());
    assertThat(v.sourceRepository()).isEqualTo(BUILD.sourceRepository());
    assertThat(v.buildCommand()).isEqualTo(BUILD.buildCommand());
  }

  @Test
  void anUnknownBuilderKeyIsRefusedEvenWhenItsKeyidNamesATrustedOne() throws Exception {
    var generator = java.security.KeyPairGenerator.getInstance("EC");
    generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    LocalKeySigner stranger = new LocalKeySigner("ci-builder", (java.security.interfaces.ECPrivateKey) generator.generateKeyPair().getPrivate());
    assertThatThrownBy(() -> verifier().verify(attestation(stranger, FILES), FILES))
        .isInstanceOfSatisfying(AttestationRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_BUILDER));
  }

  @Test
  void anAttestationForOtherBytesIsRefused() {
    List<Subject> other = List.of(new Subject("index.android.bundle", SampleDocuments.sha256Hex("evil bundle")), FILES.get(1));
    assertThatThrownBy(() -> verifier().verify(attestation(BUILDER, other), FILES))
        .isInstanceOfSatisfying(AttestationRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.SUBJECT_MISMATCH))
        .hasMessageContaining("other bytes of index.android.bundle");
  }

  @Test
  void aFileTheAttestationDoesNotNameIsRefused() {
    assertThatThrownBy(() -> verifier().verify(attestation(BUILDER, FILES.subList(0, 1)), FILES))
        .isInstanceOfSatisfying(AttestationRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.SUBJECT_MISMATCH));
  }

  @Test
  void anEditedPayloadOrAnotherPayloadTypeIsRefused() throws Exception {
    Dsse.Envelope good = Dsse.read(attestation(BUILDER, FILES), MAPPER);
    byte[] edited = new String(good.payload(), StandardCharsets.UTF_8).replace("run-42", "run-43").getBytes(StandardCharsets.UTF_8);
    byte[] tampered = new Dsse.Envelope(good.payloadType(), edited, good.keyId(), good.signatureDer()).toJson(MAPPER);
    assertThatThrownBy(() -> verifier().verify(tampered, FILES))
        .isInstanceOfSatisfying(AttestationRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_BUILDER));
    byte[] otherType = Dsse.sign(BUILDER, "application/json", good.payload()).toJson(MAPPER);
    assertThatThrownBy(() -> verifier().verify(otherType, FILES))
        .isInstanceOfSatisfying(AttestationRejectedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_TYPE));
  }
}
