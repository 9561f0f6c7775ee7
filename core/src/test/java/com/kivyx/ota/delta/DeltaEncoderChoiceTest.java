package com.kivyx.ota.delta;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The encoder runs one matching per threshold and keeps one by a cheap trial compression: on the
 * corpus pairs where the thresholds disagree, the kept patch is the smaller of the single-threshold
 * patches (a wrong pick or a broken trial makes it the larger one).
 */
class DeltaEncoderChoiceTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"v2.hbc, v3.hbc", "v2.bb.hbc, v3.bb.hbc", "v2.min.js, v3.min.js"})
  void keepsTheSmallerMatching(String oldName, String newName) throws Exception {
    byte[] oldData = Corpus.read(oldName);
    byte[] newData = Corpus.read(newName);
    int both = new DeltaEncoder().encode(oldData, newData).length;
    int[] single = new int[DeltaEncoder.DEFAULT_MIN_GAINS.length];
    for (int i = 0; i < single.length; i++) {
      int[] gain = {DeltaEncoder.DEFAULT_MIN_GAINS[i]};
      single[i] = new DeltaEncoder(DeltaBudget.DEFAULT, gain, DeltaEncoder.DEFAULT_MIN_ZERO_RUN).encode(oldData, newData).length;
    }
    assertThat(single[0]).as("the thresholds disagree on this pair").isNotEqualTo(single[1]);
    assertThat(both).isEqualTo(Math.min(single[0], single[1]));
  }
}
