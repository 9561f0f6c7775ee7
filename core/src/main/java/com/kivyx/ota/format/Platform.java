package com.kivyx.ota.format;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The two platforms a React Native release targets. */
public enum Platform {
  IOS,
  ANDROID;

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Platform of(String id) {
    for (Platform p : values()) {
      if (p.id().equals(id)) {
        return p;
      }
    }
    throw new InvalidDocumentException("platform must be 'ios' or 'android', got '" + id + "'");
  }

  @Override
  public String toString() {
    return id();
  }
}
