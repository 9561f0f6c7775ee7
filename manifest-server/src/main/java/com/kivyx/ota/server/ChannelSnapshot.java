package com.kivyx.ota.server;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.rollout.Decision;
import com.kivyx.ota.server.decision.ChannelDecider;
import com.kivyx.ota.server.expo.ExpoChannel;
import java.util.Map;
import java.util.Set;

/**
 * One channel as served: the verified index, its signed bytes and ETag, and every possible
 * {@code /update} answer already built, so a request only runs the decision function.
 *
 * @param manifests verified manifest COSE bytes by SHA-256 (immutable, so reused by the next snapshot)
 * @param blobTypes content type of each blob the manifests name, by SHA-256
 * @param knownReleases releases ever seen on this channel by this process (event counters' label values)
 * @param expo the Expo Updates answers ({@link ExpoChannel#NONE} when no release has an Expo document)
 * @param decider the decision function over {@code index}, prepared once for every request
 * @param indexAnswer {@code indexCose} and {@code indexEtag} ready to be written
 */
public record ChannelSnapshot(
    ChannelId key,
    ChannelIndex index,
    byte[] indexCose,
    String indexEtag,
    Answers answers,
    Map<String, byte[]> manifests,
    Map<String, String> blobTypes,
    Set<String> knownReleases,
    ExpoChannel expo,
    ChannelDecider decider,
    Answer indexAnswer) {

  public ChannelSnapshot(
      ChannelId key,
      ChannelIndex index,
      byte[] indexCose,
      String indexEtag,
      Answers answers,
      Map<String, byte[]> manifests,
      Map<String, String> blobTypes,
      Set<String> knownReleases,
      ExpoChannel expo) {
    this(key, index, indexCose, indexEtag, answers, manifests, blobTypes, knownReleases, expo, ChannelDecider.of(index), Answer.index(indexCose, indexEtag));
  }

  /** The 2 + 2 × releases bodies of {@code /update}: none, back to embedded, update to each release. */
  public record Answers(Answer none, Answer rollBack, Answer rollBackMandatory, Map<String, Answer[]> updates) {
    public Answer forDecision(Decision decision) {
      return switch (decision.kind()) {
        case NONE -> none;
        case ROLL_BACK_TO_EMBEDDED -> decision.mandatory() ? rollBackMandatory : rollBack;
        case UPDATE -> updates.get(decision.releaseId().orElseThrow())[decision.mandatory() ? 1 : 0];
      };
    }
  }
}
