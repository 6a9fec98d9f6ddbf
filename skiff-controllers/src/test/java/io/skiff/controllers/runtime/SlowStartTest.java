package io.skiff.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Upstream's TestSlowStartBatch, case for case. */
class SlowStartTest {

  /** Fails every call after the first {@code okCalls}. */
  private record Scripted(int okCalls) {}

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("callback always return errors", 10, new Scripted(0), 0, true, 1),
        Arguments.of(
            "callback always return nil", 10, new Scripted(Integer.MAX_VALUE), 10, false, 10),
        Arguments.of("callback return errors after 5 calls", 10, new Scripted(5), 5, true, 7));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void batchesDoubleUntilABatchFails(
      String name,
      int count,
      Scripted script,
      int expectedSuccesses,
      boolean expectError,
      int expectedCalls)
      throws Exception {
    AtomicInteger calls = new AtomicInteger();
    SlowStart.Outcome outcome =
        SlowStart.batch(
            count,
            SlowStart.INITIAL_BATCH_SIZE,
            () -> {
              if (calls.incrementAndGet() > script.okCalls()) {
                throw new IllegalStateException("fake error");
              }
            });
    assertThat(outcome.successes()).isEqualTo(expectedSuccesses);
    assertThat(calls).hasValue(expectedCalls);
    if (expectError) {
      assertThat(outcome.error()).hasMessage("fake error");
    } else {
      assertThat(outcome.error()).isNull();
    }
  }
}
