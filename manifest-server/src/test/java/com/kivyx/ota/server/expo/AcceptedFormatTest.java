package com.kivyx.ota.server.expo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AcceptedFormatTest {
  @Test
  void whatRealClientsSendGetsMultipart() {
    assertThat(AcceptedFormat.negotiate("multipart/mixed,application/expo+json,application/json")).contains(AcceptedFormat.MULTIPART);
    assertThat(AcceptedFormat.negotiate("application/expo+json;q=0.9, application/json;q=0.8, multipart/mixed")).contains(AcceptedFormat.MULTIPART);
    assertThat(AcceptedFormat.negotiate(null)).contains(AcceptedFormat.MULTIPART);
    assertThat(AcceptedFormat.negotiate("*/*")).contains(AcceptedFormat.MULTIPART);
  }

  @Test
  void qValuesAndSpecificityDecide() {
    assertThat(AcceptedFormat.negotiate("application/json")).contains(AcceptedFormat.JSON);
    assertThat(AcceptedFormat.negotiate("application/*")).contains(AcceptedFormat.EXPO_JSON);
    assertThat(AcceptedFormat.negotiate("multipart/mixed;q=0.1, application/json")).contains(AcceptedFormat.JSON);
    assertThat(AcceptedFormat.negotiate("*/*, multipart/mixed;q=0")).contains(AcceptedFormat.EXPO_JSON);
    assertThat(AcceptedFormat.negotiate("APPLICATION/JSON; Q=1")).contains(AcceptedFormat.JSON);
  }

  @Test
  void nothingAcceptableMeans406() {
    assertThat(AcceptedFormat.negotiate("text/html")).isEqualTo(Optional.empty());
    assertThat(AcceptedFormat.negotiate("multipart/mixed;q=0, application/*;q=0")).isEmpty();
    assertThat(AcceptedFormat.negotiate("application/json;q=nonsense")).isEmpty();
  }
}
