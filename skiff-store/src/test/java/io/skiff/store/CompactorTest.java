package io.skiff.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.skiff.clock.ManualClock;
import io.skiff.store.memory.MemoryStore;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CompactorTest {

  private final ManualClock clock = new ManualClock();
  private final MemoryStore store = new MemoryStore();
  private final Compactor compactor =
      new Compactor(store, clock, Duration.ofMinutes(5), 100, Duration.ofMinutes(1), Runnable::run);

  @AfterEach
  void close() {
    compactor.close();
    store.close();
  }

  private void write(int n) {
    for (int i = 0; i < n; i++) {
      store.create("/k/" + store.currentRevision(), "x".getBytes(UTF_8));
    }
  }

  @Test
  void keepsFiveMinutesOfHistory() {
    compactor.start(); // notes revision 0 at t=0
    for (int minute = 1; minute <= 7; minute++) {
      write(1000);
      clock.advance(Duration.ofMinutes(1)); // the tick at `minute` notes revision 1000*minute
    }
    // At t=7min the newest note at least 5 minutes old is the one taken at t=2min.
    assertThat(store.compactedRevision()).isEqualTo(2000);
    assertThat(clock.pendingTimers()).isEqualTo(1);
  }

  @Test
  void keepsAtLeastTheMinimumNumberOfRevisions() {
    compactor.start();
    write(150);
    clock.advance(Duration.ofMinutes(10));
    // At t=6min the note from t=1min (revision 150) leaves the window; head - 100 = 50 caps it.
    assertThat(store.compactedRevision()).isEqualTo(50);
    clock.advance(Duration.ofMinutes(10));
    assertThat(store.compactedRevision()).isEqualTo(50);
  }

  @Test
  void aQuietStoreIsNeverCompactedBelowTheMinimum() {
    compactor.start();
    write(99);
    clock.advance(Duration.ofHours(1));
    assertThat(store.compactedRevision()).isZero();
  }

  @Test
  void stopsAfterClose() {
    compactor.start();
    compactor.close();
    assertThat(clock.pendingTimers()).isZero();
  }
}
