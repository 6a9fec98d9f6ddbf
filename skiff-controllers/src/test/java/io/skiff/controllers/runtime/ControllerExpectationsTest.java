package io.skiff.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.skiff.clock.ManualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControllerExpectationsTest {

  private final ManualClock clock = new ManualClock();
  private final UidTrackingExpectations expectations = new UidTrackingExpectations(clock);

  @Test
  void aControllerWithoutExpectationsMaySync() {
    assertThat(expectations.satisfiedExpectations("ns/rs")).isTrue();
  }

  @Test
  void creationsBlockUntilEveryOneIsObserved() {
    expectations.expectCreations("ns/rs", 3);
    assertThat(expectations.satisfiedExpectations("ns/rs")).isFalse();
    expectations.creationObserved("ns/rs");
    expectations.creationObserved("ns/rs");
    assertThat(expectations.satisfiedExpectations("ns/rs")).isFalse();
    expectations.creationObserved("ns/rs");
    assertThat(expectations.satisfiedExpectations("ns/rs")).isTrue();
    assertThat(expectations.satisfiedExpectations("ns/other")).isTrue();
  }

  @Test
  void unmetExpectationsExpireAfterFiveMinutesOnTheClock() {
    expectations.expectCreations("ns/rs", 1);
    clock.advance(Duration.ofMinutes(5));
    assertThat(expectations.satisfiedExpectations("ns/rs")).as("exactly 5 minutes").isFalse();
    clock.advance(Duration.ofNanos(1));
    assertThat(expectations.satisfiedExpectations("ns/rs")).isTrue();
  }

  @Test
  void settingExpectationsAgainRestartsTheTimer() {
    expectations.expectCreations("ns/rs", 1);
    clock.advance(Duration.ofMinutes(4));
    expectations.expectCreations("ns/rs", 2);
    clock.advance(Duration.ofMinutes(4));
    assertThat(expectations.satisfiedExpectations("ns/rs")).isFalse();
    assertThat(expectations.get("ns/rs").orElseThrow().adds()).isEqualTo(2);
  }

  @Test
  void aDeletionIsCountedOnceWhetherSeenAsTerminatingOrGone() {
    expectations.expectDeletions("ns/rs", List.of("ns/a", "ns/b"));
    expectations.deletionObserved("ns/rs", "ns/a");
    // The same pod reported again (deletionTimestamp first, then the delete event).
    expectations.deletionObserved("ns/rs", "ns/a");
    assertThat(expectations.satisfiedExpectations("ns/rs")).isFalse();
    assertThat(expectations.expectedDeletionKeys("ns/rs")).containsExactly("ns/b");
    // A pod that was never expected does not count.
    expectations.deletionObserved("ns/rs", "ns/c");
    assertThat(expectations.satisfiedExpectations("ns/rs")).isFalse();
    expectations.deletionObserved("ns/rs", "ns/b");
    assertThat(expectations.satisfiedExpectations("ns/rs")).isTrue();
  }

  @Test
  void deletingExpectationsForgetsCountsAndKeys() {
    expectations.expectDeletions("ns/rs", List.of("ns/a"));
    expectations.deleteExpectations("ns/rs");
    assertThat(expectations.get("ns/rs")).isEmpty();
    assertThat(expectations.expectedDeletionKeys("ns/rs")).isEmpty();
    assertThat(expectations.satisfiedExpectations("ns/rs")).isTrue();
  }

  @Test
  void raisingAndLoweringOnlyTouchAnExistingRecord() {
    expectations.raiseExpectations("ns/none", 1, 1);
    assertThat(expectations.get("ns/none")).isEmpty();
    expectations.setExpectations("ns/rs", 1, 0);
    expectations.raiseExpectations("ns/rs", 1, 1);
    assertThat(expectations.get("ns/rs").orElseThrow())
        .extracting(
            ControllerExpectations.Expectation::adds, ControllerExpectations.Expectation::deletes)
        .containsExactly(2L, 1L);
    expectations.lowerExpectations("ns/rs", 2, 1);
    assertThat(expectations.satisfiedExpectations("ns/rs")).isTrue();
  }
}
