package com.kivyx.ota.cli;

import com.kivyx.ota.analysis.AnalysisPolicy;
import com.kivyx.ota.analysis.Baseline;
import com.kivyx.ota.analysis.Evaluation;
import com.kivyx.ota.analysis.FailureRateLimit;
import com.kivyx.ota.analysis.Limit;
import com.kivyx.ota.analysis.Observation;
import com.kivyx.ota.analysis.Percent;
import com.kivyx.ota.analysis.SequentialTest;
import com.kivyx.ota.analysis.TrialCounts;
import com.kivyx.ota.analysis.Verdict;
import com.kivyx.ota.format.ChannelId;
import com.kivyx.ota.prometheus.PrometheusClient;
import com.kivyx.ota.prometheus.PrometheusTrials;
import com.kivyx.ota.publish.ChannelChange;
import com.kivyx.ota.publish.IndexUpdate;
import com.kivyx.ota.store.ArtifactStore;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kivyx-ota analyze}: the crash guardrail's verdict for one release from Prometheus,
 * for static mode (a cron job in front of a CDN-only setup) and for a person checking a
 * Rollout. Exit code 0 Pass, 3 Halt, 4 Inconclusive.
 */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    description = {
      "The crash guardrail's verdict for a release: its failed-trial rate rolledBack / (healthy + rolledBack) from Prometheus,",
      "tested against a limit from the previous release (Wald's sequential test). Exit code: 0 Pass, 3 Halt, 4 Inconclusive",
      "(no or stale data, or too few trials: never a pass). With --halt, a Halt also takes the release off the channel index."
    })
final class AnalyzeCommand implements Callable<Integer> {
  static final int HALT = 3;
  static final int INCONCLUSIVE = 4;
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  @Spec CommandSpec spec;

  @Option(names = "--prometheus-url", required = true, paramLabel = "URL", description = "Prometheus (or a compatible API) that scrapes every manifest server.")
  URI prometheusUrl;

  @Mixin ChannelOptions channel;

  @Option(names = "--release", required = true, paramLabel = "ID", description = "The release under test.")
  String releaseId;

  @Option(names = "--since", paramLabel = "TIME|DURATION", description = "Count trials from this time (RFC 3339) or this long ago (e.g. 6h; default 24h).")
  String since = "24h";

  @Option(names = "--baseline-release", paramLabel = "ID", description = "The release this one replaces; its trials over --baseline-window set the limit.")
  String baselineRelease;

  @Option(names = "--baseline-window", paramLabel = "DURATION", converter = Durations.class, description = "How far back the baseline's trials count (default 7d).")
  Duration baselineWindow = Duration.ofDays(7);

  @Option(names = "--baseline-trials", paramLabel = "N", description = "The baseline's settled trials, when known (instead of --baseline-release).")
  Long baselineTrials;

  @Option(names = "--baseline-failures", paramLabel = "N", description = "The baseline's rolled-back trials, with --baseline-trials.")
  Long baselineFailures;

  @Option(names = "--relative-to-baseline", paramLabel = "X", description = "Limit = X times the baseline's rate (default 2.0).")
  double relativeToBaseline = FailureRateLimit.DEFAULT.relativeToBaseline();

  @Option(names = "--floor", paramLabel = "RATE", description = "The limit is never below this rate (default 0.002).")
  double floor = FailureRateLimit.DEFAULT.floor();

  @Option(names = "--without-baseline", paramLabel = "RATE", description = "The limit without a usable baseline (default 0.02).")
  double withoutBaseline = FailureRateLimit.DEFAULT.withoutBaseline();

  @Option(names = "--min-baseline-trials", paramLabel = "N", description = "A baseline with fewer trials is not used (default 1000).")
  long minBaselineTrials = FailureRateLimit.DEFAULT.minBaselineTrials();

  @Option(names = "--min-trials", paramLabel = "N", description = "No halt and no pass before this many settled trials (default 50).")
  long minTrials = AnalysisPolicy.DEFAULT.minTrials();

  @Option(names = "--min-failures", paramLabel = "N", description = "No halt before this many failed trials (default 5).")
  long minFailures = AnalysisPolicy.DEFAULT.minFailures();

  @Option(names = "--false-halt-rate", paramLabel = "RATE", description = "Bound on halting a release within its limit, however often checked (default 0.01).")
  double falseHaltRate = AnalysisPolicy.DEFAULT.falseHaltRate();

  @Option(names = "--max-age", paramLabel = "DURATION", converter = Durations.class, description = "Newest sample older than this: Inconclusive (default 5m).")
  Duration maxAge = Duration.ofMinutes(5);

  @ArgGroup(exclusive = false, heading = "%nTaking a halted release off the channel:%n")
  HaltOptions halt;

  /** {@code --halt} with the store and key it needs: picocli refuses one without the others. */
  static final class HaltOptions {
    @Option(names = "--halt", required = true, description = "On a Halt, set the release's weight to 0 in the channel index.")
    boolean halt;

    @ArgGroup(exclusive = false, multiplicity = "1")
    StoreOptions store;

    @ArgGroup(exclusive = false, multiplicity = "1")
    KeyOptions key;
  }

  private final Clock clock;

  AnalyzeCommand() {
    this(Clock.systemUTC());
  }

  AnalyzeCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() {
    Instant now = clock.instant();
    ChannelId id = channel.id();
    require(ChannelId.NAME.matcher(releaseId).matches(), "--release must be letters, digits, '.', '_' or '-'");
    require("http".equals(prometheusUrl.getScheme()) || "https".equals(prometheusUrl.getScheme()), "--prometheus-url must be http(s)://HOST:PORT");
    Instant start = start(now);
    require((baselineTrials == null) == (baselineFailures == null), "--baseline-trials and --baseline-failures go together");
    require(baselineTrials == null || baselineRelease == null, "give either --baseline-release or --baseline-trials/--baseline-failures, not both");
    require(baselineTrials == null || (baselineTrials >= baselineFailures && baselineFailures >= 0), "--baseline-failures must be 0 to --baseline-trials");
    AnalysisPolicy policy;
    try {
      policy = new AnalysisPolicy(new FailureRateLimit(relativeToBaseline, floor, withoutBaseline, minBaselineTrials), minTrials, minFailures, falseHaltRate);
    } catch (IllegalArgumentException e) {
      throw new Cli.UsageError(e.getMessage());
    }

    PrometheusTrials prometheus = new PrometheusTrials(new PrometheusClient(prometheusUrl, Duration.ofSeconds(30)));
    Optional<Baseline> baseline = baseline(prometheus, id, now);
    Limit limit = policy.limit().limitFor(baseline);
    PrometheusTrials.Result result = prometheus.since(id, releaseId, start, now);
    Evaluation e = new SequentialTest(policy, maxAge).evaluate(result.observation(), limit, 0, now);

    var out = JSON.createObjectNode();
    out.put("verdict", e.verdict().name().charAt(0) + e.verdict().name().substring(1).toLowerCase(java.util.Locale.ROOT));
    e.counts().ifPresent(c -> out.put("trials", c.trials()).put("failures", c.rolledBack()).put("failureRate", Percent.of(c.failureRate())));
    out.put("limit", Percent.of(limit.rate()));
    out.put("limitDerivation", limit.derivation());
    if (e.counts().isPresent()) {
      out.put("evidence", Math.round(e.evidence() * 1000) / 1000.0);
    }
    out.put("haltLine", e.haltLine());
    var reasons = out.putObject("failuresByReason");
    result.failuresByReason().forEach(reasons::put);
    out.put("query", result.query());
    out.put("message", e.message());
    if (halt != null && e.verdict() == Verdict.HALT) {
      IndexUpdate update = takeOff(id);
      out.put("halted", true).put("indexVersion", update.index().version());
    }
    spec.commandLine().getErr().println(e.message());
    try {
      spec.commandLine().getOut().println(JSON.writeValueAsString(out));
    } catch (com.fasterxml.jackson.core.JsonProcessingException notWritable) {
      throw new IllegalStateException(notWritable);
    }
    return switch (e.verdict()) {
      case PASS -> 0;
      case HALT -> HALT;
      case INCONCLUSIVE -> INCONCLUSIVE;
    };
  }

  private Instant start(Instant now) {
    try {
      return Instant.parse(since);
    } catch (DateTimeParseException notATime) {
      try {
        Duration ago = new Durations().convert(since);
        require(!ago.isNegative() && !ago.isZero(), "--since must be a positive duration");
        return now.minus(ago);
      } catch (IllegalArgumentException e) {
        throw new Cli.UsageError("--since must be an RFC 3339 time like 2026-12-01T10:00:00Z or a duration like 6h");
      }
    }
  }

  private Optional<Baseline> baseline(PrometheusTrials prometheus, ChannelId id, Instant now) {
    if (baselineTrials != null) {
      return Optional.of(new Baseline("the given baseline", new TrialCounts(baselineTrials - baselineFailures, baselineFailures)));
    }
    if (baselineRelease == null) {
      return Optional.empty();
    }
    require(ChannelId.NAME.matcher(baselineRelease).matches(), "--baseline-release must be letters, digits, '.', '_' or '-'");
    PrometheusTrials.Result result = prometheus.since(id, baselineRelease, now.minus(baselineWindow), now);
    if (result.observation() instanceof Observation.Counted counted) {
      return Optional.of(new Baseline(baselineRelease, counted.counts()));
    }
    // no baseline data: the fixed limit applies, and the derivation says why
    spec.commandLine().getErr().println("baseline " + baselineRelease + ": " + ((Observation.Missing) result.observation()).why());
    return Optional.empty();
  }

  private IndexUpdate takeOff(ChannelId id) {
    try (ArtifactStore target = halt.store.open()) {
      return new IndexOptions().updater(target, halt.key.openSigner(), new ProgressPrinter(spec.commandLine().getErr()))
          .apply(id, ChannelChange.setWeight(releaseId, 0));
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new Cli.UsageError(message);
    }
  }

}
