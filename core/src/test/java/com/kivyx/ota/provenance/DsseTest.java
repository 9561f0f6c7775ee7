package com.kivyx.ota.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.Signature;
import org.junit.jupiter.api.Test;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.testing.TestKeys;

class DsseTest {
  @Test
  void paeIsTheSpecsExample() {
    // secure-systems-lab/dsse protocol.md: PAE("http://example.com/HelloWorld", "hello world")
    assertThat(new String(Dsse.pae("http://example.com/HelloWorld", "hello world".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
        .isEqualTo("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  }

  @Test
  void anEnvelopeRoundTripsAndItsDerSignatureVerifiesWithTheJdk() throws Exception {
    var signer = TestKeys.signer("ci-builder");
    Dsse.Envelope envelope = Dsse.sign(signer, Dsse.IN_TOTO_PAYLOAD_TYPE, "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    Dsse.Envelope read = Dsse.read(envelope.toJson(new Documents().mapper()), new Documents().mapper());
    assertThat(read.payload()).isEqualTo(envelope.payload());
    assertThat(read.keyId()).isEqualTo("ci-builder");
    Signature jdk = Signature.getInstance("SHA256withECDSA");
    jdk.initVerify(signer.publicKey());
    jdk.update(read.pae());
    assertThat(jdk.verify(read.signatureDer())).isTrue();
  }

  @Test
  void derEncodingKeepsHighBitIntegersPositive() {
    byte[] rs = new byte[64];
    rs[0] = (byte) 0x80; // r with its top bit set needs a leading zero byte in DER
    rs[63] = 1;
    byte[] der = EcdsaDer.fromRs(rs);
    assertThat(com.kivyx.ota.signing.Es256.derToRs(der)).isEqualTo(rs);
    assertThat(der[3]).isEqualTo((byte) 33);
  }
}
