package io.skiff.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Go's Duration.String and ParseDuration, as the kubelet prints back-offs and pull times. */
class GoDurationTest {

  @ParameterizedTest
  @CsvSource({
    "0, 0s",
    "1, 1ns",
    "1500, 1.5µs",
    "800000000, 800ms",
    "1000000000, 1s",
    "1234567000, 1.234567s",
    "10000000000, 10s",
    "80000000000, 1m20s",
    "160000000000, 2m40s",
    "300000000000, 5m0s",
    "3600000000000, 1h0m0s",
    "5430500000000, 1h30m30.5s",
  })
  void formatsAsGo(long nanos, String text) {
    assertThat(GoDuration.format(Duration.ofNanos(nanos))).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource({
    "10s, 10000",
    "1.5s, 1500",
    "500ms, 500",
    "1m30s, 90000",
    "2h, 7200000",
    "1h0m0s, 3600000",
    "30, 30000",
    "0, 0",
    ".5s, 500",
  })
  void parsesAsGo(String text, long millis) {
    assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "soon", "10", "5x", "-5s", "1m 2s", "s"})
  void rejectsWhatGoRejects(String text) {
    if (text.equals("10")) {
      // A bare number is seconds here, which Go would refuse: annotations written by hand.
      assertThat(GoDuration.parse(text)).isEqualTo(Duration.ofSeconds(10));
      return;
    }
    assertThatThrownBy(() -> GoDuration.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("time: invalid duration \"" + text.trim() + "\"");
  }
}
