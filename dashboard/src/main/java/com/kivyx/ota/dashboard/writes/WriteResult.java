package com.kivyx.ota.dashboard.writes;

import java.util.OptionalLong;

/** What a channel write did, in words for the page; {@code status} is the HTTP status the page answers with. */
public record WriteResult(boolean done, int status, String message, OptionalLong indexVersion) {
  public static WriteResult done(String message, long indexVersion) {
    return new WriteResult(true, 200, message, OptionalLong.of(indexVersion));
  }

  public static WriteResult refused(int status, String message) {
    return new WriteResult(false, status, message, OptionalLong.empty());
  }
}
