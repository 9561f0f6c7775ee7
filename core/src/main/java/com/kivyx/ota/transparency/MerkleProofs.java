package com.kivyx.ota.transparency;

import com.kivyx.ota.store.Sha256;
import java.security.MessageDigest;
import java.util.List;

/** RFC 9162 (RFC 6962 hashing) Merkle tree hashes and inclusion proof verification. */
public final class MerkleProofs {
  private MerkleProofs() {}

  public static byte[] leafHash(byte[] entry) {
    MessageDigest sha = Sha256.newDigest();
    sha.update((byte) 0);
    return sha.digest(entry);
  }

  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest sha = Sha256.newDigest();
    sha.update((byte) 1);
    sha.update(left);
    return sha.digest(right);
  }

  /** RFC 9162 section 2.1.3.2, including the final {@code sn == 0} check that sigstore-java omits. */
  public static boolean verifyInclusion(long index, long treeSize, byte[] leafHash, List<byte[]> proof, byte[] root) {
    if (index < 0 || index >= treeSize) {
      return false;
    }
    long fn = index;
    long sn = treeSize - 1;
    byte[] r = leafHash;
    for (byte[] p : proof) {
      if (p.length != 32 || sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = nodeHash(p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        r = nodeHash(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(r, root);
  }

  /** The root of a whole tree of leaf hashes (for tests and the auditor's own check). */
  public static byte[] root(List<byte[]> leafHashes) {
    if (leafHashes.isEmpty()) {
      return Sha256.newDigest().digest();
    }
    if (leafHashes.size() == 1) {
      return leafHashes.get(0);
    }
    int k = Integer.highestOneBit(leafHashes.size() - 1);
    return nodeHash(root(leafHashes.subList(0, k)), root(leafHashes.subList(k, leafHashes.size())));
  }

  /** An inclusion proof computed from all leaves (RFC 9162 section 2.1.3.1); for tests and vectors. */
  public static List<byte[]> inclusionProof(int index, List<byte[]> leafHashes) {
    if (leafHashes.size() <= 1) {
      return List.of();
    }
    int k = Integer.highestOneBit(leafHashes.size() - 1);
    java.util.ArrayList<byte[]> out = new java.util.ArrayList<>();
    if (index < k) {
      out.addAll(inclusionProof(index, leafHashes.subList(0, k)));
      out.add(root(leafHashes.subList(k, leafHashes.size())));
    } else {
      out.addAll(inclusionProof(index - k, leafHashes.subList(k, leafHashes.size())));
      out.add(root(leafHashes.subList(0, k)));
    }
    return out;
  }
}
