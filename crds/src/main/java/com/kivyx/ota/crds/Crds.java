package com.kivyx.ota.crds;

/** API group and version shared by the three resources. */
public final class Crds {
  public static final String GROUP = "ota.kivyx.com";
  public static final String VERSION = "v1alpha1";

  private Crds() {}
}
