package com.kivyx.ota.telemetry;

import java.util.Arrays;

/**
 * Why a trial launch crashed or a release was rolled back (or that the binary changed): the bounded set the server counts
 * as the {@code reason} label. Anything a device sends outside it is counted as {@link #OTHER},
 * so a client cannot grow the number of series; free text belongs in an event's {@code detail},
 * which is never a label.
 */
public enum TrialReason {
  /** No reason given (every healthy, downloaded or applied event). */
  NONE("none"),
  /** The app never called markHealthy within its launches. */
  NOT_MARKED_HEALTHY("notMarkedHealthy"),
  /** The bundle did not reach its first render in time. */
  LAUNCH_TIMEOUT("launchTimeout"),
  /** The native side dropped the bundle before its JavaScript ran (reported at the next launch). */
  CRASHED_BEFORE_JS("crashedBeforeJs"),
  /** An uncaught JavaScript error during the trial. */
  JS_ERROR("jsError"),
  /** The downloaded bundle failed its hash or signature check. */
  VERIFY_FAILED("verifyFailed"),
  /** Not a failure: an app-store update replaced the binary and reset the device (sent with applied). */
  BINARY_CHANGED("binaryChanged"),
  /** A reason this server does not know (a newer client's). */
  OTHER("other");

  private final String wire;

  TrialReason(String wire) {
    this.wire = wire;
  }

  /** The name in event bodies and in the {@code reason} label. */
  public String wire() {
    return wire;
  }

  /** A device's reason: absent is {@link #NONE}, anything unknown is {@link #OTHER}. */
  /** Whether a crashed or rolledBack event may carry it (series the server creates at 0). */
  public boolean explainsAFailure() {
    return this != BINARY_CHANGED;
  }

  public static TrialReason fromWire(String text) {
    if (text == null || text.isEmpty()) {
      return NONE;
    }
    return Arrays.stream(values()).filter(r -> r != NONE && r.wire.equals(text)).findFirst().orElse(OTHER);
  }
}
