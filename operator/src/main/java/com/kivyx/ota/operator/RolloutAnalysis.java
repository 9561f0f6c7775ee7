package com.kivyx.ota.operator;

import com.kivyx.ota.analysis.Baseline;
import com.kivyx.ota.analysis.Evaluation;
import com.kivyx.ota.analysis.Limit;
import com.kivyx.ota.analysis.Observation;
import com.kivyx.ota.analysis.Percent;
import com.kivyx.ota.analysis.SequentialTest;
import com.kivyx.ota.analysis.TrialCounts;
import com.kivyx.ota.analysis.Verdict;
import com.kivyx.ota.crds.AnalysisStatus;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.prometheus.PrometheusTrials;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One look of a Rollout's guardrail: the release's settled trials since its run started, the
 * limit from the baseline frozen at the run's start, the verdict, and the status that carries
 * every number. Also answers the Rollout's evidence gates for the same look.
 */
final class RolloutAnalysis {
  /** An analysis run: counts start at {@code startedAt}; the baseline is fixed for the run. */
  record Run(int number, Instant startedAt, Optional<Baselines.Choice> baseline) {
    /** The run a status describes, if it has one. */
    static Optional<Run> of(AnalysisStatus status) {
      if (status == null || status.run() == null || status.startedAt() == null) {
        return Optional.empty();
      }
      AnalysisStatus.Baseline b = status.baseline();
      Optional<Baselines.Choice> baseline = b == null ? Optional.empty()
          : Optional.of(new Baselines.Choice(b.rollout(), new Baseline(b.release(), new TrialCounts(b.trials() - b.failures(), b.failures()))));
      return Optional.of(new Run(status.run(), Instant.parse(status.startedAt()), baseline));
    }
  }

  /** The look's verdict, its status, and the gates' answers from the same counts. */
  record Look(Evaluation evaluation, AnalysisStatus status, SequentialTest test, Observation observation, Limit limit, Instant at, Duration interval)
      implements RolloutSteps.Gates {
    Verdict verdict() {
      return evaluation.verdict();
    }

    @Override
    public boolean passes(long minTrials) {
      return test.evaluate(observation, limit, minTrials, at).verdict() == Verdict.PASS;
    }

    @Override
    public String why(long minTrials) {
      return test.evaluate(observation, limit, minTrials, at).message();
    }

    @Override
    public Optional<Duration> recheck() {
      return Optional.of(interval);
    }
  }

  private final TrialSource source;

  RolloutAnalysis(TrialSource source) {
    this.source = source;
  }

  Look look(ChannelId channel, String releaseId, AnalysisSettings settings, Run run, Instant now) {
    PrometheusTrials.Result result = source.since(channel, releaseId, run.startedAt(), now);
    SequentialTest test = new SequentialTest(settings.policy(), settings.maxAge());
    Limit limit = settings.policy().limit().limitFor(run.baseline().map(Baselines.Choice::baseline));
    Evaluation e = test.evaluate(result.observation(), limit, 0, now);
    String verdict = switch (e.verdict()) {
      case PASS -> AnalysisStatus.PASS;
      case HALT -> AnalysisStatus.HALT;
      case INCONCLUSIVE -> AnalysisStatus.INCONCLUSIVE;
    };
    AnalysisStatus.Baseline baseline = run.baseline()
        .map(c -> new AnalysisStatus.Baseline(c.rollout(), c.baseline().release(), c.baseline().counts().trials(), c.baseline().counts().rolledBack()))
        .orElse(null);
    Optional<TrialCounts> counts = e.counts();
    AnalysisStatus status = new AnalysisStatus(run.number(), verdict, run.startedAt().toString(), now.toString(),
        counts.map(TrialCounts::trials).orElse(null), counts.map(TrialCounts::rolledBack).orElse(null),
        counts.map(c -> Percent.of(c.failureRate())).orElse(null), Percent.of(limit.rate()),
        counts.isPresent() ? Math.round(e.evidence() * 1000) / 1000.0 : null,
        result.failuresByReason().isEmpty() ? null : result.failuresByReason(), baseline, result.query(),
        e.message() + (result.failuresByReason().isEmpty() ? "" : "; failures by reason " + result.failuresByReason())
            + (settings.dryRun() ? " (dryRun: nothing is acted on)" : ""),
        null);
    return new Look(e, status, test, result.observation(), limit, now, settings.interval());
  }
}
