package com.kivyx.ota.dashboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChartRequestTest {
  @Test
  void readsTheLimitAsTheOperatorWritesIt() {
    assertThat(ChartRequest.rate("2.00%")).isEqualTo(Optional.of(0.02));
    assertThat(ChartRequest.rate("0.125% (2x baseline)")).isEqualTo(Optional.of(0.00125));
    assertThat(ChartRequest.rate("about two percent")).isEmpty();
    assertThat(ChartRequest.rate(null)).isEmpty();
  }

  @Test
  void anUnknownRangeFallsBackToTheDefault() {
    assertThat(ChartRequest.range("1h")).isEqualTo("1h");
    assertThat(ChartRequest.range("1y")).isEqualTo(ChartRequest.DEFAULT_RANGE);
    assertThat(ChartRequest.range(null)).isEqualTo(ChartRequest.DEFAULT_RANGE);
  }
}
