package com.kivyx.ota.operator;

import com.kivyx.ota.analysis.Verdict;
import com.kivyx.ota.crds.AnalysisSpec;
import com.kivyx.ota.crds.AnalysisStatus;
import com.kivyx.ota.crds.Channel;
import com.kivyx.ota.crds.Condition;
import com.kivyx.ota.crds.Release;
import com.kivyx.ota.crds.ReleaseStatus;
import com.kivyx.ota.crds.Rollout;
import com.kivyx.ota.crds.RolloutSpec;
import com.kivyx.ota.crds.RolloutStatus;
import com.kivyx.ota.crds.TrialTotals;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.format.Platform;
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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Rollout → its step machine ({@link RolloutSteps}) and its crash guardrail ({@link
 * RolloutAnalysis}): every interval the release's settled trials are tested; a halt takes it
 * off the channel as {@code onHalt} says. Not generation-aware: the promote and resume
 * annotations change only metadata, and must still wake the Rollout.
 */
@ControllerConfiguration(name = "rollout", generationAwareEventProcessing = false)
public final class RolloutReconciler implements Reconciler<Rollout> {
  static final java.time.Duration COMPLETED_RECHECK = java.time.Duration.ofMinutes(1);

  private final Clock clock;
  private final EventRecorder events;
  private final Optional<TrialSource> trials;
  private final Optional<RolloutAnalysis> analysis;

  RolloutReconciler(Clock clock, EventRecorder events) {
    this(clock, events, Optional.empty());
  }

  /** @param trials the guardrail's data; empty: analysis gates wait for a promote, nothing is halted */
  RolloutReconciler(Clock clock, EventRecorder events, Optional<TrialSource> trials) {
    this.clock = clock;
    this.events = events;
    this.trials = trials;
    this.analysis = trials.map(RolloutAnalysis::new);
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
    Instant now = clock.instant();
    RolloutSpec spec = rollout.getSpec();
    AnalysisSettings settings = AnalysisSettings.of(spec.analysis());
    boolean aborted = rollout.abortRequested();
    // Halted stays halted until resumed with the halted run's number, which starts a fresh run.
    boolean halted = old != null && RolloutStatus.HALTED.equals(old.phase()) && !aborted;
    Optional<RolloutAnalysis.Run> run = RolloutAnalysis.Run.of(old == null ? null : old.analysis());
    RolloutStatus base = old;
    String resumed = null;
    if (halted) {
      if (run.isEmpty() || !resumeRun(rollout).equals(Optional.of(run.get().number()))) {
        return UpdateControl.noUpdate();
      }
      base = new RolloutStatus(RolloutStatus.PROGRESSING, old.currentStep(), RolloutSteps.weightBefore(spec, old.currentStep() == null ? 0 : old.currentStep()),
          null, old.message(), old.observedGeneration(), old.conditions(), old.analysis(), old.health());
      resumed = "resumed: analysis run " + (run.get().number() + 1) + " counts from " + now;
      run = Optional.of(new RolloutAnalysis.Run(run.get().number() + 1, now, Optional.empty()));
    }
    boolean live = base == null || !(RolloutStatus.COMPLETED.equals(base.phase()) || RolloutStatus.SUPERSEDED.equals(base.phase())
        || RolloutStatus.ABORTED.equals(base.phase()));
    boolean guarded = analysis.isPresent() && published && !aborted && live && (spec.analysis() != null || hasGates(spec));
    Optional<RolloutAnalysis.Look> look = Optional.empty();
    if (guarded) {
      RolloutAnalysis.Run current = run.orElseGet(() -> new RolloutAnalysis.Run(1, now, Optional.empty()));
      if (current.baseline().isEmpty() && (run.isEmpty() || current.startedAt().equals(now))) {
        // a new run copies the previous release's totals; they stay fixed for the run
        current = new RolloutAnalysis.Run(current.number(), current.startedAt(), baseline(rollout, release.get(), context));
      }
      look = Optional.of(analysis.get().look(channelId(rollout, release.get(), context), spec.release(), settings, current, now));
    }
    RolloutSteps.Outcome next;
    AnalysisStatus analysisStatus = look.map(RolloutAnalysis.Look::status).orElse(old == null ? null : old.analysis());
    if (look.isPresent() && look.get().verdict() == Verdict.HALT && !settings.dryRun()) {
      int step = base == null || base.currentStep() == null ? 0 : base.currentStep();
      int weight = AnalysisSpec.PAUSE.equals(settings.onHalt()) && base != null && base.currentWeight() != null ? base.currentWeight() : 0;
      int number = analysisStatus.run();
      analysisStatus = withAction(analysisStatus, settings.onHalt());
      next = new RolloutSteps.Outcome(RolloutStatus.HALTED, step, weight, null,
          "halted by analysis run " + number + " (" + settings.onHalt() + ", weight " + weight + "%): " + look.get().evaluation().message()
              + "; resume with: kubectl annotate rollout " + rollout.getMetadata().getName() + " " + Rollout.RESUME_ANNOTATION + "=" + number + " --overwrite",
          Optional.empty());
    } else {
      // the abort annotation counts as spec.abort (GitOps-safe abort: metadata, not the spec Git owns)
      RolloutSpec effective = aborted ? new RolloutSpec(spec.channel(), spec.release(), spec.mandatory(), spec.targeting(), spec.steps(), true, spec.analysis()) : spec;
      next = RolloutSteps.next(effective, base, published, promoted, now, look.<RolloutSteps.Gates>map(l -> l).orElse(RolloutSteps.Gates.NONE));
      if (look.isPresent() && !RolloutStatus.COMPLETED.equals(next.phase())) {
        Duration interval = settings.interval();
        next = new RolloutSteps.Outcome(next.phase(), next.step(), next.weight(), next.pauseStartedAt(), next.message(),
            Optional.of(next.requeueAfter().filter(d -> d.compareTo(interval) < 0).orElse(interval)));
      }
    }
    String phase = next.phase();
    String message = resumed == null ? next.message() : resumed + "; " + next.message();
    if (RolloutStatus.COMPLETED.equals(phase)) {
      Optional<String> newer = supersededBy(rollout, release.get(), context);
      if (newer.isPresent()) {
        phase = RolloutStatus.SUPERSEDED;
        message = "superseded by Rollout " + newer.get() + ", a newer release at 100%";
      }
    }
    TrialTotals health = health(rollout, release, old, phase, settings, now, context);
    long generation = rollout.getMetadata().getGeneration();
    List<Condition> conditions = Conditions.set(old == null ? null : old.conditions(), "Progressing",
        RolloutStatus.PROGRESSING.equals(phase), phase, message, generation, now);
    if (look.isPresent()) {
      Verdict v = look.get().verdict();
      conditions = Conditions.set(conditions, "Healthy", v != Verdict.HALT,
          v == Verdict.HALT ? "FailureRateAboveLimit" : v == Verdict.PASS ? "FailureRateWithinLimit" : "NotEnoughEvidence",
          analysisStatus.message(), generation, now);
    }
    RolloutStatus status = new RolloutStatus(phase, next.step(), next.weight(), next.pauseStartedAt(), message, generation, conditions, analysisStatus, health);
    boolean changed = old == null || !Objects.equals(old.phase(), status.phase()) || !Objects.equals(old.currentStep(), status.currentStep())
        || !Objects.equals(old.currentWeight(), status.currentWeight()) || !Objects.equals(old.pauseStartedAt(), status.pauseStartedAt())
        || !Objects.equals(old.message(), status.message()) || !Objects.equals(old.observedGeneration(), status.observedGeneration())
        || analysisChanged(old.analysis(), status.analysis(), settings.interval(), now) || !Objects.equals(old.health(), status.health());
    if (old == null || !Objects.equals(old.phase(), phase) || !Objects.equals(old.currentWeight(), next.weight())) {
      boolean bad = RolloutStatus.ABORTED.equals(phase) || RolloutStatus.HALTED.equals(phase);
      events.record(rollout, bad ? EventRecorder.WARNING : EventRecorder.NORMAL, phase, "step " + next.step() + ", weight " + next.weight() + "%: " + message);
    }
    String oldVerdict = old == null || old.analysis() == null ? null : old.analysis().verdict();
    if (look.isPresent() && !Objects.equals(oldVerdict, analysisStatus.verdict()) && !RolloutStatus.HALTED.equals(phase)) {
      events.record(rollout, AnalysisStatus.HALT.equals(analysisStatus.verdict()) ? EventRecorder.WARNING : EventRecorder.NORMAL,
          "Analysis" + analysisStatus.verdict(), analysisStatus.message());
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
      // a newer release may supersede it later; meanwhile its totals are kept fresh for the next release's baseline
      control.rescheduleAfter(analysis.isPresent() && settings.interval().compareTo(COMPLETED_RECHECK) < 0 ? settings.interval() : COMPLETED_RECHECK);
    }
    return control;
  }

  /**
   * Whether a look is worth a status write: its numbers changed, or the last write is an
   * interval old. (A write wakes this reconciler again; writing only the time would loop.)
   */
  private static boolean analysisChanged(AnalysisStatus before, AnalysisStatus after, Duration interval, Instant now) {
    if (before == null || after == null || before.evaluatedAt() == null) {
      return !Objects.equals(before, after);
    }
    if (!Objects.equals(withEvaluatedAt(before, null), withEvaluatedAt(after, null))) {
      return true;
    }
    return !Instant.parse(before.evaluatedAt()).plus(interval).isAfter(now);
  }

  private static AnalysisStatus withEvaluatedAt(AnalysisStatus s, String at) {
    return new AnalysisStatus(s.run(), s.verdict(), s.startedAt(), at, s.trials(), s.failures(), s.failureRate(), s.limit(), s.evidence(),
        s.failuresByReason(), s.baseline(), s.query(), s.message(), s.action());
  }

  private static boolean hasGates(RolloutSpec spec) {
    return spec.steps() != null && spec.steps().stream().anyMatch(s -> s.analysis() != null);
  }

  private static AnalysisStatus withAction(AnalysisStatus s, String action) {
    return new AnalysisStatus(s.run(), s.verdict(), s.startedAt(), s.evaluatedAt(), s.trials(), s.failures(), s.failureRate(), s.limit(), s.evidence(),
        s.failuresByReason(), s.baseline(), s.query(), s.message(), action);
  }

  private static Optional<Integer> resumeRun(Rollout rollout) {
    var annotations = rollout.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(Rollout.RESUME_ANNOTATION);
    try {
      return value == null ? Optional.empty() : Optional.of(Integer.parseInt(value.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static ChannelId channelId(Rollout rollout, Release release, Context<Rollout> context) {
    Channel channel = context.getClient().resources(Channel.class).inNamespace(rollout.getMetadata().getNamespace()).withName(rollout.getSpec().channel()).get();
    String name = channel == null ? rollout.getSpec().channel() : channel.channelName();
    return new ChannelId(release.getSpec().appId(), Platform.of(release.getSpec().platform().name()), name);
  }

  private static Optional<Baselines.Choice> baseline(Rollout rollout, Release release, Context<Rollout> context) {
    String namespace = rollout.getMetadata().getNamespace();
    var client = context.getClient();
    return Baselines.find(rollout, release, client.resources(Rollout.class).inNamespace(namespace).list().getItems(),
        name -> client.resources(Release.class).inNamespace(namespace).withName(name).get());
  }

  /**
   * The Rollout's settled trials since it was created, refreshed while it is Completed (a
   * baseline in waiting) and frozen once it is Superseded.
   */
  private TrialTotals health(Rollout rollout, Optional<Release> release, RolloutStatus old, String phase, AnalysisSettings settings, Instant now,
      Context<Rollout> context) {
    TrialTotals current = old == null ? null : old.health();
    if (analysis.isEmpty() || release.isEmpty() || !RolloutStatus.COMPLETED.equals(phase)) {
      return current;
    }
    if (current != null && current.observedAt() != null && Instant.parse(current.observedAt()).plus(settings.interval()).isAfter(now)) {
      return current;
    }
    Instant created = Instant.parse(rollout.getMetadata().getCreationTimestamp());
    var result = trials.get().since(channelId(rollout, release.get(), context), rollout.getSpec().release(), created, now);
    if (result.observation() instanceof com.kivyx.ota.analysis.Observation.Counted counted) {
      return new TrialTotals(counted.counts().healthy(), counted.counts().rolledBack(), now.toString());
    }
    return current; // no data now: keep the last totals rather than forget them
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
