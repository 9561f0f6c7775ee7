package com.kivyx.ota.operator;

import com.kivyx.ota.crds.Release;
import com.kivyx.ota.crds.ReleaseStatus;
import com.kivyx.ota.crds.Rollout;
import com.kivyx.ota.crds.RolloutStatus;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Rollout → its step machine ({@link RolloutSteps}). Not generation-aware: the promote
 * annotation changes only metadata, and must still wake the Rollout.
 */
@ControllerConfiguration(name = "rollout", generationAwareEventProcessing = false)
public final class RolloutReconciler implements Reconciler<Rollout> {
  static final java.time.Duration COMPLETED_RECHECK = java.time.Duration.ofMinutes(1);

  private final Clock clock;
  private final EventRecorder events;

  RolloutReconciler(Clock clock, EventRecorder events) {
    this.clock = clock;
    this.events = events;
  }

  @Override
  public List<EventSource<?, Rollout>> prepareEventSources(EventSourceContext<Rollout> context) {
    // A Release that gets published wakes every Rollout that names it.
    InformerEventSource<Release, Rollout> releases = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Release.class, Rollout.class)
            .withSecondaryToPrimaryMapper(release -> context.getPrimaryCache()
                .list(release.getMetadata().getNamespace(), r -> r.getSpec().release().equals(release.getMetadata().getName()))
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet()))
            .withPrimaryToSecondaryMapper((Rollout r) -> java.util.Set.of(new ResourceID(r.getSpec().release(), r.getMetadata().getNamespace())))
            .build(),
        context);
    // A Rollout that completes may supersede the older Rollouts of its channel: wake them.
    InformerEventSource<Rollout, Rollout> siblings = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Rollout.class, Rollout.class)
            .withName("sibling-rollouts")
            .withSecondaryToPrimaryMapper(changed -> context.getPrimaryCache()
                .list(changed.getMetadata().getNamespace(), r -> r.getSpec().channel().equals(changed.getSpec().channel())
                    && !r.getMetadata().getName().equals(changed.getMetadata().getName()))
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet()))
            .withPrimaryToSecondaryMapper((Rollout r) -> java.util.Set.of())
            .build(),
        context);
    return List.of(releases, siblings);
  }

  @Override
  public UpdateControl<Rollout> reconcile(Rollout rollout, Context<Rollout> context) {
    Optional<Release> release = context.getSecondaryResource(Release.class);
    boolean published = release.map(r -> r.getStatus() != null && r.getStatus().isPublished()).orElse(false);
    Optional<Integer> promoted = promotedStep(rollout);
    RolloutStatus old = rollout.getStatus();
    RolloutSteps.Outcome next = RolloutSteps.next(rollout.getSpec(), old, published, promoted, clock.instant());
    String phase = next.phase();
    String message = next.message();
    if (RolloutStatus.COMPLETED.equals(phase)) {
      Optional<String> newer = supersededBy(rollout, release.get(), context);
      if (newer.isPresent()) {
        phase = RolloutStatus.SUPERSEDED;
        message = "superseded by Rollout " + newer.get() + ", a newer release at 100%";
      }
    }
    long generation = rollout.getMetadata().getGeneration();
    RolloutStatus status = new RolloutStatus(phase, next.step(), next.weight(), next.pauseStartedAt(), message, generation,
        Conditions.set(old == null ? null : old.conditions(), "Progressing",
            RolloutStatus.PROGRESSING.equals(phase), phase, message, generation, clock.instant()));
    boolean changed = old == null || !Objects.equals(old.phase(), status.phase()) || !Objects.equals(old.currentStep(), status.currentStep())
        || !Objects.equals(old.currentWeight(), status.currentWeight()) || !Objects.equals(old.pauseStartedAt(), status.pauseStartedAt())
        || !Objects.equals(old.message(), status.message()) || !Objects.equals(old.observedGeneration(), status.observedGeneration());
    if (old == null || !Objects.equals(old.phase(), phase) || !Objects.equals(old.currentWeight(), next.weight())) {
      events.record(rollout, RolloutStatus.ABORTED.equals(phase) ? EventRecorder.WARNING : EventRecorder.NORMAL, phase,
          "step " + next.step() + ", weight " + next.weight() + "%: " + message);
    }
    UpdateControl<Rollout> control;
    if (changed) {
      rollout.setStatus(status);
      control = UpdateControl.patchStatus(rollout);
    } else {
      control = UpdateControl.noUpdate();
    }
    next.requeueAfter().ifPresent(control::rescheduleAfter);
    if (RolloutStatus.COMPLETED.equals(phase)) {
      control.rescheduleAfter(COMPLETED_RECHECK); // a newer release may supersede it later
    }
    return control;
  }

  private static Optional<Integer> promotedStep(Rollout rollout) {
    var annotations = rollout.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(Rollout.PROMOTE_ANNOTATION);
    try {
      return value == null ? Optional.empty() : Optional.of(Integer.parseInt(value.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Another completed Rollout on the same channel with a newer release of the same runtime. */
  private static Optional<String> supersededBy(Rollout rollout, Release release, Context<Rollout> context) {
    String namespace = rollout.getMetadata().getNamespace();
    var releases = (InformerEventSource<Release, Rollout>) context.eventSourceRetriever().getEventSourceFor(Release.class);
    // Read from the API server, not a cache: the sibling that just completed must be seen.
    return context.getClient().resources(Rollout.class).inNamespace(namespace).list().getItems().stream()
        .filter(other -> other.getSpec().channel().equals(rollout.getSpec().channel())
            && !other.getMetadata().getName().equals(rollout.getMetadata().getName())
            && other.getStatus() != null
            && RolloutStatus.COMPLETED.equals(other.getStatus().phase()))
        .filter(other -> {
          // Releases do not change once published: the informer's copy is as good as a GET.
          Release newer = releases.get(new ResourceID(other.getSpec().release(), namespace)).orElse(null);
          return newer != null
              && newer.getSpec().platform() == release.getSpec().platform()
              && newer.getSpec().runtimeVersion().equals(release.getSpec().runtimeVersion())
              && newer.getSpec().versionCode() > release.getSpec().versionCode();
        })
        .map(other -> other.getMetadata().getName())
        .findFirst();
  }
}
