package com.kivyx.ota.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SemverRangeTest {
  @ParameterizedTest(name = "{0} ∋ {1} = {2}")
  @CsvSource({
    "'>=0.72.0 <0.74.0', 0.72.0, true",
    "'>=0.72.0 <0.74.0', 0.73.99, true",
    "'>=0.72.0 <0.74.0', 0.74.0, false",
    "'>=0.72.0 <0.74.0', 0.71.9, false",
    "^1.2.3, 1.9.0, true",
    "^1.2.3, 2.0.0, false",
    "^1.2.3, 1.2.2, false",
    "^0.2.3, 0.2.9, true",
    "^0.2.3, 0.3.0, false",
    "^0.0.3, 0.0.3, true",
    "^0.0.3, 0.0.4, false",
    "~1.2.3, 1.2.9, true",
    "~1.2.3, 1.3.0, false",
    "1.2.3, 1.2.3, true",
    "1.2.3, 1.2.4, false",
    "=1.2.3, 1.2.3+build.5, true",
    "*, 0.0.1, true",
    "'<1.0.0 || >=2.0.0', 1.5.0, false",
    "'<1.0.0 || >=2.0.0', 2.1.0, true",
    ">1.0.0, 1.0.0, false",
    "<=1.0.0, 1.0.0, true",
    ">=1.0.0, 1.0.0-rc.1, false",
    ">=1.0.0-alpha, 1.0.0-alpha.1, true",
    ">1.0.0-alpha.2, 1.0.0-alpha.10, true",
    ">1.0.0-alpha.beta, 1.0.0-alpha.1, false",
    "<1.0.0-beta, 1.0.0-alpha.9, true",
  })
  void matches(String range, String version, boolean expected) {
    assertThat(SemverRange.parse(range).matches(Semver.parse(version).orElseThrow())).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", ">= 1.0.0", "1.0", "v1.0.0", "1.0.0 ||", "|| 1.0.0", "01.0.0", "1.0.0-", "latest", "x.y.z", ">>1.0.0"})
  void refusesWhatItCannotEvaluate(String range) {
    assertThatThrownBy(() -> SemverRange.parse(range)).isInstanceOf(InvalidDocumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "1.2", "1.2.3.4", "01.2.3", "1.2.3-01", "1.2.3-", "abc", ""})
  void refusesMalformedVersions(String version) {
    assertThat(Semver.parse(version)).isEmpty();
  }
}
