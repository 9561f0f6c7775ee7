package com.kivyx.ota.crds;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A release rolled out on a channel. An indefinite pause ({@code pause: {}}) is passed by
 * annotating the Rollout with {@code ota.kivyx.com/promote=<step number>}, so a stale
 * annotation can never skip a later pause. A Rollout halted by its guardrail resumes with
 * {@code ota.kivyx.com/resume=<status.analysis.run>}, so a stale annotation cannot undo a later halt.
 */
@Group(Crds.GROUP)
@Version(Crds.VERSION)
@ShortNames("otaro")
@AdditionalPrinterColumn(name = "Channel", jsonPath = ".spec.channel", type = Type.STRING)
@AdditionalPrinterColumn(name = "Release", jsonPath = ".spec.release", type = Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = Type.STRING)
@AdditionalPrinterColumn(name = "Step", jsonPath = ".status.currentStep", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Weight", jsonPath = ".status.currentWeight", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Verdict", jsonPath = ".status.analysis.verdict", type = Type.STRING)
@AdditionalPrinterColumn(name = "Trials", jsonPath = ".status.analysis.trials", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Failed", jsonPath = ".status.analysis.failures", type = Type.INTEGER)
@AdditionalPrinterColumn(name = "Limit", jsonPath = ".status.analysis.limit", type = Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
public final class Rollout extends CustomResource<RolloutSpec, RolloutStatus> implements Namespaced {
  private static final long serialVersionUID = 1L;
  public static final String PROMOTE_ANNOTATION = "ota.kivyx.com/promote";
  /** Set to the halted run's number ({@code status.analysis.run}) to resume with a fresh count. */
  public static final String RESUME_ANNOTATION = "ota.kivyx.com/resume";
  /**
   * {@code "true"} aborts like {@code spec.abort}, but lives in metadata a GitOps sync of the spec
   * does not overwrite: the dashboard's Abort button sets it.
   */
  public static final String ABORT_ANNOTATION = "ota.kivyx.com/abort";

  /** Aborted by {@code spec.abort: true} or by the {@link #ABORT_ANNOTATION} annotation. */
  public boolean abortRequested() {
    var annotations = getMetadata() == null ? null : getMetadata().getAnnotations();
    return (getSpec() != null && Boolean.TRUE.equals(getSpec().abort())) || (annotations != null && "true".equals(annotations.get(ABORT_ANNOTATION)));
  }
}
