package io.skiff.api.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The cases of upstream's duration_test.go. */
class HumanDurationTest {

  private static final Duration MS = Duration.ofMillis(1);
  private static final Duration NS = Duration.ofNanos(1);

  private static Duration s(long n) {
    return Duration.ofSeconds(n);
  }

  private static Duration m(long n) {
    return Duration.ofMinutes(n);
  }

  private static Duration h(long n) {
    return Duration.ofHours(n);
  }

  private static final Duration YEAR = h(365 * 24);

  static Stream<Arguments> humanDuration() {
    return Stream.of(
        Arguments.of(s(1), "1s"),
        Arguments.of(s(70), "70s"),
        Arguments.of(s(190), "3m10s"),
        Arguments.of(m(70), "70m"),
        Arguments.of(h(47), "47h"),
        Arguments.of(h(49), "2d1h"),
        Arguments.of(h(8 * 24 + 2), "8d"),
        Arguments.of(h(367 * 24), "367d"),
        Arguments.of(h(365 * 2 * 24 + 25), "2y1d"),
        Arguments.of(h(365 * 8 * 24 + 2), "8y"),
        // boundaries
        Arguments.of(s(-2), "<invalid>"),
        Arguments.of(s(-2).plus(NS), "0s"),
        Arguments.of(Duration.ZERO, "0s"),
        Arguments.of(s(1).minus(MS), "0s"),
        Arguments.of(m(2).minus(MS), "119s"),
        Arguments.of(m(2), "2m"),
        Arguments.of(m(2).plus(s(1)), "2m1s"),
        Arguments.of(m(10).minus(MS), "9m59s"),
        Arguments.of(m(10), "10m"),
        Arguments.of(m(10).plus(s(1)), "10m"),
        Arguments.of(h(3).minus(MS), "179m"),
        Arguments.of(h(3), "3h"),
        Arguments.of(h(3).plus(m(1)), "3h1m"),
        Arguments.of(h(8).minus(MS), "7h59m"),
        Arguments.of(h(8), "8h"),
        Arguments.of(h(8).plus(m(59)), "8h"),
        Arguments.of(h(48).minus(MS), "47h"),
        Arguments.of(h(48), "2d"),
        Arguments.of(h(49), "2d1h"),
        Arguments.of(h(8 * 24).minus(MS), "7d23h"),
        Arguments.of(h(8 * 24), "8d"),
        Arguments.of(h(8 * 24 + 23), "8d"),
        Arguments.of(YEAR.multipliedBy(2).minus(MS), "729d"),
        Arguments.of(YEAR.multipliedBy(2), "2y"),
        Arguments.of(YEAR.multipliedBy(2).plus(h(23)), "2y"),
        Arguments.of(YEAR.multipliedBy(2).plus(h(23)).plus(m(59)), "2y"),
        Arguments.of(YEAR.multipliedBy(2).plus(h(24)).minus(MS), "2y"),
        Arguments.of(YEAR.multipliedBy(2).plus(h(24)), "2y1d"),
        Arguments.of(YEAR.multipliedBy(3), "3y"),
        Arguments.of(YEAR.multipliedBy(4), "4y"),
        Arguments.of(YEAR.multipliedBy(5), "5y"),
        Arguments.of(YEAR.multipliedBy(6), "6y"),
        Arguments.of(YEAR.multipliedBy(7), "7y"),
        Arguments.of(YEAR.multipliedBy(8).minus(MS), "7y364d"),
        Arguments.of(YEAR.multipliedBy(8), "8y"),
        Arguments.of(YEAR.multipliedBy(8).plus(h(364 * 24)), "8y"),
        Arguments.of(YEAR.multipliedBy(9), "9y"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource
  void humanDuration(Duration d, String want) {
    assertThat(HumanDuration.format(d)).isEqualTo(want);
  }

  static Stream<Arguments> shortHumanDuration() {
    return Stream.of(
        Arguments.of(s(-2), "<invalid>"),
        Arguments.of(s(-2).plus(NS), "0s"),
        Arguments.of(Duration.ZERO, "0s"),
        Arguments.of(s(1).minus(MS), "0s"),
        Arguments.of(s(1), "1s"),
        Arguments.of(s(2).minus(MS), "1s"),
        Arguments.of(m(1).minus(MS), "59s"),
        Arguments.of(m(1), "1m"),
        Arguments.of(m(2).minus(MS), "1m"),
        Arguments.of(h(1).minus(MS), "59m"),
        Arguments.of(h(1), "1h"),
        Arguments.of(h(2).minus(MS), "1h"),
        Arguments.of(h(24).minus(MS), "23h"),
        Arguments.of(h(24), "1d"),
        Arguments.of(h(48).minus(MS), "1d"),
        Arguments.of(YEAR.minus(MS), "364d"),
        Arguments.of(YEAR, "1y"),
        Arguments.of(YEAR.multipliedBy(2).minus(MS), "1y"),
        Arguments.of(YEAR.multipliedBy(2), "2y"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource
  void shortHumanDuration(Duration d, String want) {
    assertThat(HumanDuration.formatShort(d)).isEqualTo(want);
  }
}
