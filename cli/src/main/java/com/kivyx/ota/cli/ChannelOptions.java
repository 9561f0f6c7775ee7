package com.kivyx.ota.cli;

import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.Platform;
import picocli.CommandLine.Option;

/** {@code --app}, {@code --platform}, {@code --channel}: which channel a command is about. */
final class ChannelOptions {
  @Option(names = "--app", required = true, paramLabel = "ID", description = "App id, e.g. com.example.app.")
  String appId;

  @Option(names = "--platform", required = true, paramLabel = "ios|android", converter = PlatformConverter.class, description = "ios or android.")
  Platform platform;

  @Option(names = "--channel", required = true, paramLabel = "NAME", description = "Channel name, e.g. production.")
  String channel;

  /** The channel these options name; a bad app id or channel name is refused here, before any work. */
  ChannelId id() {
    return new ChannelId(appId, platform, channel);
  }

  static final class PlatformConverter implements picocli.CommandLine.ITypeConverter<Platform> {
    @Override
    public Platform convert(String value) {
      return Platform.of(value);
    }
  }
}
