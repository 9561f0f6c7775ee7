package com.kivyx.ota.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads the version Maven wrote into the jar manifest. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = KivyxOta.class.getPackage().getImplementationVersion();
    return new String[] {"kivyx-ota " + (v == null ? "development build" : v)};
  }
}
