package com.kivyx.ota.transparency;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleProofsTest {
  static List<byte[]> leaves(int n) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(MerkleProofs.leafHash(("leaf " + i).getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  @Test
  void rootsMatchTheRfc6962TestTree() {
    // The reference tree of certificate-transparency-go's merkle tests: leaves "", 0x00, 0x10, ….
    String[] data = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"};
    List<byte[]> leaves = new ArrayList<>();
    for (String d : data) {
      leaves.add(MerkleProofs.leafHash(HexFormat.of().parseHex(d)));
    }
    assertThat(HexFormat.of().formatHex(MerkleProofs.root(leaves.subList(0, 1))))
        .isEqualTo("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    assertThat(HexFormat.of().formatHex(MerkleProofs.root(leaves)))
        .isEqualTo("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
  }

  @Test
  void everyProofOfEveryTreeUpTo40VerifiesAndNoOtherIndexLeafOrLengthDoes() {
    for (int size = 1; size <= 40; size++) {
      List<byte[]> leaves = leaves(size);
      byte[] root = MerkleProofs.root(leaves);
      for (int i = 0; i < size; i++) {
        List<byte[]> proof = MerkleProofs.inclusionProof(i, leaves);
        assertThat(MerkleProofs.verifyInclusion(i, size, leaves.get(i), proof, root)).as("%d of %d", i, size).isTrue();
        // (The same proof can fit a tree one larger, e.g. index 0 of 3 and of 4: the size is bound by the
        // signed checkpoint, which is why LogEntryVerifier requires proof size == checkpoint size.)
        if (!proof.isEmpty()) {
          assertThat(MerkleProofs.verifyInclusion(i, size, leaves.get(i), proof.subList(0, proof.size() - 1), root)).as("short").isFalse();
        }
        if (size > 1) {
          assertThat(MerkleProofs.verifyInclusion((i + 1) % size, size, leaves.get(i), proof, root)).as("other index").isFalse();
        }
        assertThat(MerkleProofs.verifyInclusion(i, size, MerkleProofs.leafHash(new byte[] {9}), proof, root)).as("other leaf").isFalse();
      }
    }
  }

  @Test
  void aProofWithAnExtraHashIsRefused() {
    // Without RFC 9162's final sn == 0 check, a trailing hash at the top would be accepted in some shapes.
    List<byte[]> leaves = leaves(6);
    byte[] root = MerkleProofs.root(leaves);
    List<byte[]> proof = new ArrayList<>(MerkleProofs.inclusionProof(5, leaves));
    proof.add(new byte[32]);
    assertThat(MerkleProofs.verifyInclusion(5, 6, leaves.get(5), proof, root)).isFalse();
    assertThat(MerkleProofs.verifyInclusion(6, 6, leaves.get(5), List.of(), root)).isFalse();
  }
}
