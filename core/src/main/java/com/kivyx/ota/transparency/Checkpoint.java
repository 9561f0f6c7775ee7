package com.kivyx.ota.transparency;

import com.kivyx.ota.transparency.LogEntryRejectedException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;

/**
 * A log checkpoint (C2SP tlog-checkpoint) inside a signed note (C2SP signed-note): origin,
 * tree size and root hash, signed by the log. Only a checkpoint whose signature verifies
 * under the pinned key is returned by {@link #verify}.
 */
public record Checkpoint(String origin, long size, byte[] rootHash) {
  /** More signature lines than this is not a note we accept (the C2SP limit is up to the verifier). */
  public static final int MAX_SIGNATURES = 20;
  private static final String SIGNATURE_PREFIX = "\u2014 ";

  /** Parses {@code note} and checks that one of its signatures is the pinned log's over its text. */
  public static Checkpoint verify(String note, LogKey log) throws LogEntryRejectedException {
    int split = note.indexOf("\n\n");
    if (split < 0 || !note.endsWith("\n")) {
      throw malformed("the checkpoint is not a signed note (no blank line before the signatures)");
    }
    String text = note.substring(0, split + 1);
    String[] lines = text.split("\n", -1);
    if (lines.length < 4) {
      throw malformed("the checkpoint needs origin, size and root hash lines");
    }
    String[] signatures = note.substring(split + 2, note.length() - 1).split("\n", -1);
    if (signatures.length > MAX_SIGNATURES) {
      throw malformed("the checkpoint has " + signatures.length + " signatures; at most " + MAX_SIGNATURES + " are read");
    }
    boolean signed = false;
    for (String line : signatures) {
      if (!line.startsWith(SIGNATURE_PREFIX)) {
        throw malformed("checkpoint signature line does not start with an em dash: " + line);
      }
      String[] parts = line.substring(SIGNATURE_PREFIX.length()).split(" ", -1);
      if (parts.length != 2) {
        throw malformed("checkpoint signature line is not '— <name> <base64>': " + line);
      }
      if (!parts[0].equals(log.origin())) {
        continue;
      }
      byte[] blob = base64(parts[1], "checkpoint signature");
      if (blob.length < 5 || !Arrays.equals(Arrays.copyOf(blob, 4), log.keyHint())) {
        continue;
      }
      if (verifyEcdsa(log, text.getBytes(StandardCharsets.UTF_8), Arrays.copyOfRange(blob, 4, blob.length))) {
        signed = true;
        break;
      }
    }
    if (!signed) {
      throw new LogEntryRejectedException(
          Reason.CHECKPOINT_SIGNATURE, "the checkpoint has no valid signature by the pinned key of log '" + log.origin() + "'");
    }
    if (!lines[0].equals(log.origin())) {
      throw new LogEntryRejectedException(
          Reason.CHECKPOINT_SIGNATURE, "the checkpoint is for origin '" + lines[0] + "', not the pinned '" + log.origin() + "'");
    }
    long size;
    try {
      size = Long.parseUnsignedLong(lines[1]);
    } catch (NumberFormatException e) {
      throw malformed("checkpoint size is not a number: " + lines[1]);
    }
    if (size < 0 || !lines[1].equals(Long.toString(size))) {
      throw malformed("checkpoint size is not a canonical decimal: " + lines[1]);
    }
    byte[] root = base64(lines[2], "checkpoint root hash");
    if (root.length != 32) {
      throw malformed("checkpoint root hash is " + root.length + " bytes, not 32");
    }
    return new Checkpoint(lines[0], size, root);
  }

  private static boolean verifyEcdsa(LogKey log, byte[] message, byte[] derSignature) {
    try {
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(log.publicKey());
      verifier.update(message);
      return verifier.verify(derSignature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false; // not DER, wrong length, …: simply not a valid signature
    }
  }

  static byte[] base64(String text, String what) throws LogEntryRejectedException {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw malformed(what + " is not base64");
    }
  }

  private static LogEntryRejectedException malformed(String message) {
    return new LogEntryRejectedException(Reason.MALFORMED, message);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c && c.origin.equals(origin) && c.size == size && Arrays.equals(c.rootHash, rootHash);
  }

  @Override
  public int hashCode() {
    return origin.hashCode() * 31 + Long.hashCode(size);
  }
}
