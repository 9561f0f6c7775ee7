package com.kivyx.ota.dashboard.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTextTest {
  @Test
  void readsSamplesSkippingCommentsWithEscapedLabelsAndTimestamps() {
    List<MetricsText.Sample> samples = MetricsText.parse("""
        # HELP kivyx_ota_device_events_total Device events
        # TYPE kivyx_ota_device_events_total counter
        kivyx_ota_device_events_total{app="com.example",channel="a\\"b\\\\c",type="applied",} 12.0
        kivyx_ota_channels 3 1700000000000

        http_seconds_bucket{le="+Inf"} +Inf
        odd{v="x"} NaN
        """);
    assertThat(samples).hasSize(4);
    assertThat(samples.get(0)).isEqualTo(new MetricsText.Sample("kivyx_ota_device_events_total",
        Map.of("app", "com.example", "channel", "a\"b\\c", "type", "applied"), 12.0));
    assertThat(samples.get(1)).isEqualTo(new MetricsText.Sample("kivyx_ota_channels", Map.of(), 3));
    assertThat(samples.get(2).value()).isInfinite();
    assertThat(samples.get(3).value()).isNaN();
  }

  @Test
  void aLabelValueMayHoldBracesCommasAndNewlines() {
    assertThat(MetricsText.parse("m{a=\"x,}y\",b=\"1\\n2\"} 5").get(0).labels()).isEqualTo(Map.of("a", "x,}y", "b", "1\n2"));
  }

  @Test
  void aPageThatIsNotTheTextFormatIsRefusedWithItsLine() {
    assertThatThrownBy(() -> MetricsText.parse("# fine\n<html><body>login</body></html>"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("line 2 is not a Prometheus sample");
    assertThatThrownBy(() -> MetricsText.parse("m{a=\"unterminated} 1")).hasMessageContaining("unterminated value of label a");
    assertThatThrownBy(() -> MetricsText.parse("m 1 2 3")).hasMessageContaining("expected a value");
    assertThatThrownBy(() -> MetricsText.parse("m lots")).hasMessageStartingWith("line 1");
  }
}
