package com.kivyx.ota.publish;

/** What a new release's versionCode must satisfy against the earlier releases of its runtime version. */
public enum VersionCodeRule {
  /** CI publishing one build after another: each release above every earlier one. */
  INCREASING,
  /**
   * Declarative sources (the operator) may see releases in any order (Argo CD applies a whole
   * folder at once); a code must only be unused, so no two releases of a runtime tie.
   */
  UNIQUE
}
