package io.skiff.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TimesTest {

  @Test
  void theServersOwnFormReadsAsTheFormatterReadsIt() {
    var random = new SplittableRandom(42);
    for (int i = 0; i < 10_000; i++) {
      // 1970 to 2400, whole seconds: leap years, month ends and centuries included.
      Instant t = Instant.ofEpochSecond(random.nextLong(0, 13_569_465_600L));
      String text = Times.format(t);
      assertThat(Times.parse(text)).as(text).isEqualTo(OffsetDateTime.parse(text).toInstant());
    }
  }

  @ParameterizedTest
  @CsvSource({
    "2024-02-29T23:59:59Z, 2024-02-29T23:59:59Z",
    "2024-01-01T00:00:00+02:00, 2023-12-31T22:00:00Z",
    "2024-01-01T00:00:00.5Z, 2024-01-01T00:00:00.500Z",
    "2024-01-01T00:00:00.123456789Z, 2024-01-01T00:00:00.123456789Z",
  })
  void otherValidFormsStillRead(String text, String instant) {
    assertThat(Times.parse(text)).isEqualTo(Instant.parse(instant));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "2023-02-29T00:00:00Z",
        "2024-13-01T00:00:00Z",
        "2024-00-01T00:00:00Z",
        "2024-01-32T00:00:00Z",
        "2024-01-01T24:00:00Z",
        "2024-01-01T00:60:00Z",
        "2024-01-01T00:00:60Z",
        "2024-01-0xT00:00:00Z",
        "2024-01-01 00:00:00Z",
        "yesterday"
      })
  void absentOrMalformedIsTheZeroTime(String text) {
    assertThat(Times.parse(text)).isNull();
  }
}
