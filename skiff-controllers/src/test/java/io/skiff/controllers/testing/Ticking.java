package io.skiff.controllers.testing;

import static org.awaitility.Awaitility.await;

import io.skiff.clock.ManualClock;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Waits on a manual clock that moves a little per poll. A sync that failed (a write that lost a
 * conflict because its cache did not yet show the controller's own last write) is retried after a
 * backoff on the controllers' clock, which never comes while a test holds its clock still. The step
 * must stay far below any delay the test checks: Awaitility's default ten seconds of polls every
 * 100 ms move the clock by a hundred steps at most.
 */
public final class Ticking {

  private Ticking() {}

  public static void awaitUntil(ManualClock clock, Duration step, Callable<Boolean> done) {
    await()
        .until(
            () -> {
              clock.advance(step);
              return done.call();
            });
  }
}
