package com.kivyx.ota.cli;

import com.kivyx.ota.analysis.AnalysisPolicy;
import com.kivyx.ota.analysis.FailureRateLimit;
import com.kivyx.ota.analysis.GuardrailBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kivyx-ota analyze-bench}: the guardrail beside a fixed threshold over seeded simulated rollouts. */
@Command(
    name = "analyze-bench",
    mixinStandardHelpOptions = true,
    description = {
      "Simulate many seeded rollouts and print how often the guardrail halts a release at its limit (false halts) and how many",
      "trials it needs to halt worse ones, beside a fixed-threshold rule like Argo Rollouts' failureLimit on the same trials."
    })
final class AnalyzeBenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--rollouts", paramLabel = "N", description = "Simulated rollouts per row (default 2000).")
  int rollouts = 2000;

  @Option(names = "--seed", paramLabel = "N", description = "Random seed (default 14).")
  long seed = 14;

  @Option(names = "--baseline-rate", paramLabel = "RATE", description = "The previous release's true failed-trial rate (default 0.005).")
  double baselineRate = 0.005;

  @Option(names = "--baseline-trials", paramLabel = "N", description = "Its settled trials (default 5000).")
  int baselineTrials = 5000;

  @Option(names = "--max-trials", paramLabel = "N", description = "Candidate trials per rollout (default 20000).")
  int maxTrials = 20_000;

  @Option(names = "--look-every", paramLabel = "N", description = "Trials between two looks (default 20).")
  int lookEvery = 20;

  @Option(names = "--failure-limit", paramLabel = "N", description = "The threshold rule halts after more than N failed looks (default 3).")
  int failureLimit = 3;

  @Option(names = "--false-halt-rate", paramLabel = "RATE", description = "The guardrail's false-halt bound (default 0.01).")
  double falseHaltRate = AnalysisPolicy.DEFAULT.falseHaltRate();

  @Override
  public Integer call() {
    if (rollouts < 1 || baselineTrials < 1 || maxTrials < 1 || lookEvery < 1 || failureLimit < 0 || !(baselineRate > 0 && baselineRate < 0.1)) {
      throw new Cli.UsageError("--rollouts, --baseline-trials, --max-trials and --look-every must be positive, --failure-limit >= 0, --baseline-rate in (0, 0.1)");
    }
    AnalysisPolicy policy;
    try {
      policy = new AnalysisPolicy(FailureRateLimit.DEFAULT, AnalysisPolicy.DEFAULT.minTrials(), AnalysisPolicy.DEFAULT.minFailures(), falseHaltRate);
    } catch (IllegalArgumentException e) {
      throw new Cli.UsageError(e.getMessage());
    }
    GuardrailBenchmark bench = new GuardrailBenchmark(policy, baselineRate, baselineTrials, rollouts, maxTrials, lookEvery, failureLimit, seed);
    long start = System.nanoTime();
    var outcomes = bench.run();
    spec.commandLine().getOut().print(bench.table(outcomes));
    spec.commandLine().getOut().printf("%n(%d simulated rollouts in %.1f s)%n", outcomes.size() * rollouts / 2, (System.nanoTime() - start) / 1e9);
    return 0;
  }
}
