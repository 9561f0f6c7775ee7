package com.kivyx.ota.dashboard.kube;

/** What a button did, in words for the page; {@code status} is the HTTP status the page answers with. */
public record ActionResult(boolean done, int status, String message) {
  public static ActionResult done(String message) {
    return new ActionResult(true, 200, message);
  }

  public static ActionResult refused(int status, String message) {
    return new ActionResult(false, status, message);
  }
}
