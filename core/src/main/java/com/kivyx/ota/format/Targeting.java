package com.kivyx.ota.format;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Who a rollout is for; every present part must hold. Invalid targeting is refused here, when
 * the index is built, so a device never meets a rule it cannot evaluate.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Targeting(String rnVersion, List<String> arch, List<AttributeRule> attributes) {
  public Targeting {
    if (rnVersion != null) {
      SemverRange.parse(rnVersion);
    }
    if (arch != null) {
      if (arch.isEmpty()) {
        throw new InvalidDocumentException("targeting arch, when given, must list at least one");
      }
      arch.forEach(a -> Check.text("targeting arch", a, 64));
      Check.unique("targeting arch", arch);
      arch = List.copyOf(arch);
    }
    if (attributes != null) {
      attributes = List.copyOf(attributes);
    }
  }
}
