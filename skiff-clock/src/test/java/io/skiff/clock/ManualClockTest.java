package io.skiff.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ManualClockTest {

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

  @Test
  void timeMovesOnlyWhenAdvanced() {
    Instant start = clock.now();
    assertThat(clock.now()).isEqualTo(start);
    clock.advance(Duration.ofSeconds(90));
    assertThat(clock.now()).isEqualTo(Instant.parse("2026-01-01T00:01:30Z"));
    assertThat(clock.nanoTime()).isEqualTo(Duration.ofSeconds(90).toNanos());
    assertThat(clock.since(start)).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void timersFireInDueOrderAndSeeTheirDueTime() {
    List<String> fired = new ArrayList<>();
    clock.schedule(Duration.ofSeconds(3), () -> fired.add("c@" + clock.nanoTime()));
    clock.schedule(Duration.ofSeconds(1), () -> fired.add("a@" + clock.nanoTime()));
    clock.schedule(Duration.ofSeconds(1), () -> fired.add("b@" + clock.nanoTime()));
    clock.advance(Duration.ofSeconds(2));
    assertThat(fired).containsExactly("a@1000000000", "b@1000000000");
    assertThat(clock.pendingTimers()).isEqualTo(1);
    assertThat(clock.nextTimerIn()).isEqualTo(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(5));
    assertThat(fired).containsExactly("a@1000000000", "b@1000000000", "c@3000000000");
    assertThat(clock.nanoTime()).isEqualTo(Duration.ofSeconds(7).toNanos());
  }

  @Test
  void timersScheduledByTimersFireWithinTheSameAdvance() {
    AtomicInteger ticks = new AtomicInteger();
    Runnable[] tick = new Runnable[1];
    tick[0] =
        () -> {
          ticks.incrementAndGet();
          clock.schedule(Duration.ofSeconds(10), tick[0]);
        };
    clock.schedule(Duration.ofSeconds(10), tick[0]);
    clock.advance(Duration.ofSeconds(55));
    assertThat(ticks).hasValue(5);
    assertThat(clock.pendingDelays()).containsExactly(Duration.ofSeconds(5));
  }

  @Test
  void cancelledTimersDoNotFire() {
    AtomicInteger runs = new AtomicInteger();
    Clock.Timer timer = clock.schedule(Duration.ofSeconds(1), runs::incrementAndGet);
    assertThat(timer.cancel()).isTrue();
    assertThat(timer.cancel()).isFalse();
    clock.advance(Duration.ofSeconds(2));
    assertThat(runs).hasValue(0);
    assertThat(clock.pendingTimers()).isZero();
  }

  @Test
  void sleepReturnsWhenAnotherThreadAdvancesTime() throws Exception {
    Thread sleeper =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    clock.sleep(Duration.ofMinutes(5));
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    org.awaitility.Awaitility.await().until(() -> clock.pendingTimers() == 1);
    clock.advance(Duration.ofMinutes(4));
    assertThat(sleeper.isAlive()).isTrue();
    clock.advance(Duration.ofMinutes(1));
    sleeper.join(Duration.ofSeconds(5));
    assertThat(sleeper.isAlive()).isFalse();
  }

  @Test
  void refusesToGoBackwards() {
    assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void systemClockTimersFire() {
    AtomicInteger runs = new AtomicInteger();
    Clock.system().schedule(Duration.ofMillis(5), runs::incrementAndGet);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
  }
}
