package com.kivyx.ota.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** {@code kivyx-ota analyze}'s arguments and its answer when Prometheus is not there (GuardrailIT runs it against a real one). */
class AnalyzeCommandTest {
  private static final String[] CHANNEL = {"--app", "com.example.app", "--platform", "android", "--channel", "production", "--release", "r1"};

  private static String[] with(String... more) {
    String[] args = new String[1 + CHANNEL.length + more.length];
    args[0] = "analyze";
    System.arraycopy(CHANNEL, 0, args, 1, CHANNEL.length);
    System.arraycopy(more, 0, args, 1 + CHANNEL.length, more.length);
    return args;
  }

  @Test
  void everyArgumentIsCheckedBeforeAnyQuery() {
    assertThat(CliRun.of("analyze", "--prometheus-url", "http://127.0.0.1:1").err()).contains("Missing required options", "--app", "--platform", "--channel");
    assertThat(CliRun.of(with()).err()).contains("Missing required option: '--prometheus-url=URL'");
    assertThat(CliRun.of(with("--prometheus-url", "ftp://x")).err()).contains("--prometheus-url must be http(s)://HOST:PORT");
    assertThat(CliRun.of(with("--prometheus-url", "http://127.0.0.1:1", "--platform", "web")).code()).isEqualTo(2);
    assertThat(CliRun.of(with("--prometheus-url", "http://127.0.0.1:1", "--since", "yesterday")).err()).contains("--since must be an RFC 3339 time");
    assertThat(CliRun.of(with("--prometheus-url", "http://127.0.0.1:1", "--baseline-trials", "10")).err())
        .contains("--baseline-trials and --baseline-failures go together");
    assertThat(CliRun.of(with("--prometheus-url", "http://127.0.0.1:1", "--baseline-trials", "10", "--baseline-failures", "11")).err())
        .contains("--baseline-failures must be 0 to --baseline-trials");
    assertThat(CliRun.of(with("--prometheus-url", "http://127.0.0.1:1", "--halt")).err()).contains("Missing required argument", "--store", "--key");
    assertThat(CliRun.of(with("--prometheus-url", "http://127.0.0.1:1", "--store", "/tmp/x", "--key", "k.pem")).err())
        .contains("Missing required argument", "--halt");
    CliRun badRate = CliRun.of(with("--prometheus-url", "http://127.0.0.1:1", "--false-halt-rate", "0.7"));
    assertThat(badRate.code()).isEqualTo(2);
    assertThat(badRate.err()).contains("falseHaltRate must be above 0 and below 0.5").doesNotContain("\tat ");
  }

  @Test
  void noPrometheusIsInconclusiveNeverAPass() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    CliRun r = CliRun.of(with("--prometheus-url", "http://127.0.0.1:" + closed));
    assertThat(r.code()).as(r.err()).isEqualTo(AnalyzeCommand.INCONCLUSIVE);
    assertThat(r.out()).contains("\"verdict\":\"Inconclusive\"", "cannot reach Prometheus");
  }

  @Test
  void theBenchmarkPrintsBothRulesForEveryScenario() {
    CliRun r = CliRun.of("analyze-bench", "--rollouts", "50", "--max-trials", "2000");
    assertThat(r.code()).as(r.err()).isZero();
    for (String row : new String[] {"at the limit (p = L)", "1x baseline", "2x baseline", "5x baseline", "10x baseline"}) {
      assertThat(r.out()).contains("| " + row);
    }
    assertThat(r.out()).contains("guardrail (SPRT", "fixed threshold (rate > L on > 3 looks)");
    assertThat(CliRun.of("analyze-bench", "--rollouts", "0").code()).isEqualTo(2);
  }
}
