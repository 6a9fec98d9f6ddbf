package io.skiff.controllers.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Upstream's tables for the pod-failure backoff, completed-index intervals and pod names. */
class JobUtilTest {

  private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");

  /** Upstream's TestGetRemainingBackoffTime / backoff duration tables. */
  @ParameterizedTest(name = "{0} failures, last {1}s ago -> {2}")
  @CsvSource({
    "0, 0, PT0S",
    "1, 0, PT10S",
    "1, 5, PT5S",
    "1, 10, PT0S",
    "1, 11, PT0S",
    "2, 0, PT20S",
    "3, 0, PT40S",
    "4, 0, PT80S",
    "5, 0, PT160S",
    "6, 0, PT320S",
    "7, 0, PT6M",
    "8, 0, PT6M",
    "50, 0, PT6M",
    "7, 300, PT1M",
    "3, 50, PT0S",
  })
  void podFailureBackoff(int failures, long secondsAgo, String remaining) {
    assertThat(JobUtil.remainingBackoff(failures, NOW.minusSeconds(secondsAgo), NOW))
        .isEqualTo(Duration.parse(remaining));
  }

  @ParameterizedTest(name = "\"{0}\" below {1} -> \"{2}\"")
  @CsvSource(
      delimiter = '|',
      value = {
        "''          | 5  | ''",
        "0           | 5  | 0",
        "1,3-5,7     | 10 | 1,3-5,7",
        "1,3-5,7     | 5  | 1,3-4",
        "0-2,3,4     | 10 | 0-4",
        "1-2         | 10 | 1-2",
        "x,2,4-a,6   | 10 | 2,6",
        "8-12        | 10 | 8-9",
      })
  void completedIndexes(String text, int completions, String normalized) {
    assertThat(CompletedIndexes.format(CompletedIndexes.parse(text, completions)))
        .isEqualTo(normalized);
  }

  @ParameterizedTest(name = "{0}/{1}")
  @CsvSource({
    "pi, 3, pi-3-",
    "a-very-long-job-name-that-would-overflow-the-generated-name-limit, 12,"
        + " a-very-long-job-name-that-would-overflow-the-generated-12-",
  })
  void podGenerateNameWithIndex(String job, int index, String prefix) {
    assertThat(JobUtil.podGenerateNameWithIndex(job, index)).isEqualTo(prefix);
    assertThat(prefix.length()).isLessThanOrEqualTo(58);
  }
}
