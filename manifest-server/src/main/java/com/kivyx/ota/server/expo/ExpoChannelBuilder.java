package com.kivyx.ota.server.expo;

import com.fasterxml.jackson.databind.JsonNode;
import com.kivyx.ota.expo.ExpoRelease;
import com.kivyx.ota.expo.ExpoUpdateIds;
import com.kivyx.ota.format.Asset;
import com.kivyx.ota.format.ChannelIndex;
import com.kivyx.ota.format.Documents;
import com.kivyx.ota.format.Platform;
import com.kivyx.ota.format.ReleaseManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a channel's {@link ExpoChannel} from its verified index and manifests and the Expo
 * documents in the store. A document is served only when it agrees with the release's signed
 * manifest (update id, runtime version, every file's hash), so a document copied from another
 * release (e.g. a revoked one) is refused: its release then has no Expo answer, and nothing
 * else of the channel changes.
 */
public final class ExpoChannelBuilder {
  private static final Logger log = LoggerFactory.getLogger(ExpoChannelBuilder.class);
  private static final String EXTENSIONS = "{\"assetRequestHeaders\":{}}";

  private final Documents documents = new Documents();

  /**
   * @param manifests the verified manifest of every offered release, by release id
   * @param read reads a store key; empty when absent
   * @param knownReleases every release this channel had while served (devices may still run one the index dropped)
   */
  public ExpoChannel build(
      String appId,
      Platform platform,
      ChannelIndex index,
      Map<String, ReleaseManifest> manifests,
      Set<String> knownReleases,
      Function<String, Optional<byte[]>> read,
      Optional<ExpoChannel> previous) {
    Map<String, ExpoRelease> known = previous.map(ExpoChannel::documents).orElse(Map.of());
    Map<String, ExpoRelease> docs = new HashMap<>();
    Map<String, String> byUpdateId = new HashMap<>();
    knownReleases.forEach(id -> byUpdateId.put(ExpoUpdateIds.updateId(appId, platform, id).toString(), id));
    Map<String, ExpoChannel.Update> updates = new HashMap<>();
    Map<String, ExpoResponse> rollBacks = new HashMap<>();
    Map<String, ExpoChannel.Patch> patches = new HashMap<>();
    String latestCommit = null;
    ExpoResponse latest = null;
    Map<String, Optional<ReleaseManifest>> releases = new LinkedHashMap<>();
    index.releases().forEach(r -> releases.put(r.releaseId(), Optional.ofNullable(manifests.get(r.releaseId()))));
    index.revoked().forEach(id -> releases.putIfAbsent(id, Optional.empty()));
    for (Map.Entry<String, Optional<ReleaseManifest>> entry : releases.entrySet()) {
      String releaseId = entry.getKey();
      String updateId = ExpoUpdateIds.updateId(appId, platform, releaseId).toString();
      byUpdateId.put(updateId, releaseId);
      Optional<ExpoRelease> doc = Optional.ofNullable(known.get(releaseId)).or(() -> readDocument(appId, platform, releaseId, read));
      if (doc.isEmpty() || !doc.get().updateId().equals(updateId) || !doc.get().releaseId().equals(releaseId)) {
        continue;
      }
      ExpoRelease d = doc.get();
      JsonNode directive = parse(d.rollBackToEmbedded());
      if (directive == null || !"rollBackToEmbedded".equals(directive.path("type").asText())) {
        log.warn("{}/{}: Expo document of {} has no rollBackToEmbedded directive; not served", appId, platform.id(), releaseId);
        continue;
      }
      if (entry.getValue().isPresent()) {
        Optional<String> problem = disagreement(d, entry.getValue().get());
        if (problem.isPresent()) {
          log.warn("{}/{}: Expo document of {} refused: {}", appId, platform.id(), releaseId, problem.get());
          continue;
        }
        updates.put(releaseId, update(d));
        for (ExpoRelease.ExpoPatch p : d.patches()) {
          patches.put(updateId + " " + p.fromUpdateId(), new ExpoChannel.Patch(entry.getValue().get().launchAsset().sha256(), p.fromUpdateId(), updateId, p.url(), p.sha256(), p.size()));
        }
      }
      docs.put(releaseId, d);
      ExpoResponse rollBack = directiveAnswer(d.rollBackToEmbedded(), d.rollBackToEmbeddedSignatureValue(), d.certificateChainValue());
      rollBacks.put(releaseId, rollBack);
      String commit = directive.path("parameters").path("commitTime").asText();
      if (latestCommit == null || commit.compareTo(latestCommit) > 0) {
        latestCommit = commit;
        latest = rollBack;
      }
    }
    return new ExpoChannel(docs, byUpdateId, updates, rollBacks, Optional.ofNullable(latest), patches);
  }

  private Optional<ExpoRelease> readDocument(String appId, Platform platform, String releaseId, Function<String, Optional<byte[]>> read) {
    String key = ExpoRelease.key(appId, platform, releaseId);
    Optional<byte[]> bytes = read.apply(key);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(documents.mapper().readValue(bytes.get(), ExpoRelease.class));
    } catch (IOException | RuntimeException e) {
      log.warn("{} is not a valid Expo release document ({}); not served", key, e.getMessage());
      return Optional.empty();
    }
  }

  /** Why the document does not describe the signed release, if it does not. */
  private Optional<String> disagreement(ExpoRelease doc, ReleaseManifest release) {
    JsonNode manifest = parse(doc.manifest());
    if (manifest == null) {
      return Optional.of("its manifest is not JSON");
    }
    if (!doc.updateId().equals(manifest.path("id").asText())) {
      return Optional.of("manifest id " + manifest.path("id").asText() + " is not the release's update id " + doc.updateId());
    }
    if (!release.runtimeVersion().equals(manifest.path("runtimeVersion").asText())) {
      return Optional.of("runtime version differs from the signed manifest");
    }
    if (!ExpoUpdateIds.hashOfHex(release.launchAsset().sha256()).equals(manifest.path("launchAsset").path("hash").asText())) {
      return Optional.of("launch asset hash differs from the signed manifest");
    }
    List<String> expected = new ArrayList<>(release.assets().stream().map(Asset::sha256).map(ExpoUpdateIds::hashOfHex).sorted().toList());
    List<String> actual = new ArrayList<>();
    manifest.path("assets").forEach(a -> actual.add(a.path("hash").asText()));
    actual.sort(null);
    if (!expected.equals(actual)) {
      return Optional.of("asset hashes differ from the signed manifest");
    }
    return Optional.empty();
  }

  private JsonNode parse(String json) {
    try {
      JsonNode node = documents.mapper().readTree(json);
      return node != null && node.isObject() ? node : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static ExpoChannel.Update update(ExpoRelease d) {
    byte[] manifest = d.manifest().getBytes(StandardCharsets.UTF_8);
    Map<String, String> signature = d.manifestSignatureValue().map(s -> Map.of("expo-signature", s)).orElse(Map.of());
    List<Multipart.Part> parts = new ArrayList<>();
    parts.add(new Multipart.Part("manifest", "application/json", signature, manifest));
    parts.add(new Multipart.Part("extensions", "application/json", Map.of(), EXTENSIONS.getBytes(StandardCharsets.UTF_8)));
    d.certificateChainValue().ifPresent(chain -> parts.add(new Multipart.Part("certificate_chain", "application/x-pem-file", Map.of(), chain.getBytes(StandardCharsets.UTF_8))));
    Multipart.Body body = Multipart.of(parts);
    return new ExpoChannel.Update(
        ExpoResponse.ok(body.contentType(), body.bytes(), Map.of()),
        ExpoResponse.ok(AcceptedFormat.EXPO_JSON.mediaType, manifest, signature),
        ExpoResponse.ok(AcceptedFormat.JSON.mediaType, manifest, signature));
  }

  private static ExpoResponse directiveAnswer(String directive, Optional<String> signature, Optional<String> chain) {
    List<Multipart.Part> parts = new ArrayList<>();
    parts.add(new Multipart.Part("directive", "application/json", signature.map(s -> Map.of("expo-signature", s)).orElse(Map.of()), directive.getBytes(StandardCharsets.UTF_8)));
    chain.ifPresent(c -> parts.add(new Multipart.Part("certificate_chain", "application/x-pem-file", Map.of(), c.getBytes(StandardCharsets.UTF_8))));
    Multipart.Body body = Multipart.of(parts);
    return ExpoResponse.ok(body.contentType(), body.bytes(), Map.of());
  }
}
