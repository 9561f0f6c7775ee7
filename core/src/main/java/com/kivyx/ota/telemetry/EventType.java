package com.kivyx.ota.telemetry;

import java.util.Optional;

/**
 * What a device reports about a release. {@link #HEALTHY} and {@link #ROLLED_BACK} end a trial
 * (one per device and release); the others are progress and repeat.
 */
public enum EventType {
  DOWNLOADED("downloaded"),
  APPLIED("applied"),
  HEALTHY("healthy"),
  CRASHED("crashed"),
  ROLLED_BACK("rolledBack");

  private final String wire;

  EventType(String wire) {
    this.wire = wire;
  }

  /** The name in event bodies and in the {@code type} label. */
  public String wire() {
    return wire;
  }

  public static Optional<EventType> fromWire(String text) {
    for (EventType t : VALUES) {
      if (t.wire.equals(text)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** values() copies its array on every call; event parsing runs per device report. */
  private static final EventType[] VALUES = values();
}
