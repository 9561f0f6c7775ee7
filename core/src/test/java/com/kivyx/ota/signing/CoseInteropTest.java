package com.kivyx.ota.signing;

import static org.assertj.core.api.Assertions.assertThat;

import COSE.AlgorithmID;
import COSE.Attribute;
import COSE.HeaderKeys;
import COSE.Message;
import COSE.MessageTag;
import COSE.OneKey;
import COSE.Sign1Message;
import com.kivyx.ota.testing.TestKeys;
import com.upokecenter.cbor.CBORObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Our COSE_Sign1 against the cose-wg reference implementation (cose-java), both ways. */
class CoseInteropTest {
  private static final String TYPE = "application/vnd.kivyx.ota.release+json";
  private static final byte[] PAYLOAD = "{\"appId\":\"com.kivyx.app\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void referenceVerifiesOurSignatures() throws Exception {
    for (String name : new String[] {"alias/interop-1", "alias/interop-2", "kid-3"}) {
      LocalKeySigner signer = TestKeys.signer(name);
      for (int i = 0; i < 20; i++) {
        byte[] payload = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
        byte[] ours = CoseSign1.sign(signer, TYPE, payload);
        Sign1Message theirs = (Sign1Message) Message.DecodeFromBytes(ours, MessageTag.Sign1);
        assertThat(theirs.validate(new OneKey(signer.publicKey(), null))).as("%s #%d", name, i).isTrue();
        assertThat(theirs.GetContent()).isEqualTo(payload);
        assertThat(theirs.findAttribute(HeaderKeys.CONTENT_TYPE, Attribute.PROTECTED).AsString()).isEqualTo(TYPE);
        assertThat(theirs.findAttribute(HeaderKeys.KID, Attribute.PROTECTED).GetByteString())
            .isEqualTo(name.getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void weVerifyTheReferencesSignaturesOnceLowS() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    ECPublicKey publicKey = (ECPublicKey) pair.getPublic();
    CoseVerifier verifier = new CoseVerifier(Map.of("ref", publicKey));
    for (int i = 0; i < 20; i++) {
      Sign1Message message = new Sign1Message();
      message.addAttribute(HeaderKeys.Algorithm, AlgorithmID.ECDSA_256.AsCBOR(), Attribute.PROTECTED);
      message.addAttribute(HeaderKeys.CONTENT_TYPE, CBORObject.FromObject(TYPE), Attribute.PROTECTED);
      message.addAttribute(HeaderKeys.KID, CBORObject.FromObject("ref".getBytes(StandardCharsets.UTF_8)), Attribute.PROTECTED);
      message.SetContent(PAYLOAD);
      message.sign(new OneKey(publicKey, (ECPrivateKey) pair.getPrivate()));
      byte[] encoded = message.EncodeToBytes();
      // The reference picks a random nonce and may produce a high S; normalising keeps it valid.
      CborItem.Array array = (CborItem.Array) ((CborItem.Tagged) CborReader.decode(encoded)).content();
      byte[] header = ((CborItem.Bytes) array.items().get(0)).value();
      byte[] signature = Es256.normaliseLowS(((CborItem.Bytes) array.items().get(3)).value());
      byte[] normalised =
          new CborWriter().tag(18).arrayHeader(4).bytes(header).mapHeader(0).bytes(PAYLOAD).bytes(signature).toByteArray();
      assertThat(verifier.verify(normalised, TYPE).payload()).isEqualTo(PAYLOAD);
    }
  }
}
