package com.kivyx.ota.crds;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A bundle to publish as an immutable, signed release. */
@Group(Crds.GROUP)
@Version(Crds.VERSION)
@ShortNames("otarel")
@AdditionalPrinterColumn(name = "App", jsonPath = ".spec.appId", type = Type.STRING)
@AdditionalPrinterColumn(name = "Platform", jsonPath = ".spec.platform", type = Type.STRING)
@AdditionalPrinterColumn(name = "Version", jsonPath = ".spec.version", type = Type.STRING)
@AdditionalPrinterColumn(name = "Code", jsonPath = ".spec.versionCode", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Runtime", jsonPath = ".spec.runtimeVersion", type = Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public final class Release extends CustomResource<ReleaseSpec, ReleaseStatus> implements Namespaced {
  private static final long serialVersionUID = 1L;

  @Override
  @ValidationRule(value = "self == oldSelf", message = "a Release is immutable once created; create a new Release for a new bundle")
  public ReleaseSpec getSpec() {
    return super.getSpec();
  }
}
