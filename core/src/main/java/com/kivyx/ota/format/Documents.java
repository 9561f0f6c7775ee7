package com.kivyx.ota.format;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/** Turns the document records into their canonical JSON bytes and back, with validation. */
public final class Documents {
  private final ObjectMapper mapper =
      JsonMapper.builder()
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES) // newer writers may add fields
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .build();

  public byte[] write(ReleaseManifest manifest) {
    return CanonicalJson.write(mapper.valueToTree(manifest));
  }

  public byte[] write(ChannelIndex index) {
    return CanonicalJson.write(mapper.valueToTree(index));
  }

  public byte[] write(KeySet keySet) {
    return CanonicalJson.write(mapper.valueToTree(keySet));
  }

  public KeySet readKeySet(byte[] json) {
    return read(json, KeySet.class, "key set");
  }

  public ReleaseManifest readReleaseManifest(byte[] json) {
    return read(json, ReleaseManifest.class, "release manifest");
  }

  public ChannelIndex readChannelIndex(byte[] json) {
    return read(json, ChannelIndex.class, "channel index");
  }

  /** The mapper, configured as above, for callers that read other JSON (vectors, requests). */
  public ObjectMapper mapper() {
    return mapper;
  }

  private <T> T read(byte[] json, Class<T> type, String what) {
    try {
      return mapper.readValue(json, type);
    } catch (JsonMappingException e) {
      // A record constructor's own message is the clearest one: surface it as is.
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof InvalidDocumentException invalid) {
          throw invalid;
        }
      }
      throw new InvalidDocumentException("invalid " + what + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new InvalidDocumentException("invalid " + what + " JSON: " + e.getMessage(), e);
    }
  }
}
