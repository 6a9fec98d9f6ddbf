package io.skiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class LaunchTimeTest {

  @Test
  void parsesBashEpochRealtimeInEitherLocale() {
    Instant expected = Instant.ofEpochSecond(1732233456, 123456000);
    assertThat(LaunchTime.parse("1732233456.123456")).isEqualTo(expected);
    assertThat(LaunchTime.parse("1732233456,123456")).isEqualTo(expected);
    assertThat(LaunchTime.parse("1732233456")).isEqualTo(Instant.ofEpochSecond(1732233456));
  }

  @Test
  void rejectsAnythingElse() {
    assertThat(LaunchTime.parse(null)).isNull();
    assertThat(LaunchTime.parse("")).isNull();
    assertThat(LaunchTime.parse("soon")).isNull();
    assertThat(LaunchTime.parse("-5.1")).isNull();
  }

  @Test
  void withoutTheLauncherFallsBackToTheJvmStart() {
    String saved = System.getProperty(LaunchTime.PROPERTY);
    try {
      System.clearProperty(LaunchTime.PROPERTY);
      assertThat(LaunchTime.get()).isAfter(Instant.EPOCH);
    } finally {
      if (saved != null) {
        System.setProperty(LaunchTime.PROPERTY, saved);
      }
    }
  }
}
