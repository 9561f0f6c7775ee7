package com.kivyx.ota.operator;

/** A Channel that names something missing or wrong; the message says what to fix. */
final class ChannelConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ChannelConfigException(String message) {
    super(message);
  }
}
