package io.skiff.clock;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;

/**
 * The only source of time in Skiff. Every time-dependent decision (ages, minReadySeconds,
 * deadlines, backoff, simulated delays, compaction windows) reads a {@code Clock} handed to it, so
 * that tests and the simulator can run on virtual time with {@link ManualClock}.
 *
 * <p>Timers run their task on a clock-owned thread (the system clock) or on the thread that
 * advances time (the manual clock); tasks must be short and hand longer work to an executor.
 */
public interface Clock {

  /** Wall-clock time, for timestamps that users see. */
  Instant now();

  /**
   * Monotonic nanoseconds with an arbitrary origin, for measuring elapsed time. Never goes
   * backwards, unlike {@link #now()}.
   */
  long nanoTime();

  /**
   * Runs {@code task} once, no earlier than {@code delay} from now. A zero or negative delay runs
   * it as soon as possible.
   */
  Timer schedule(Duration delay, Runnable task);

  /** Blocks the calling thread until {@code duration} has passed on this clock. */
  default void sleep(Duration duration) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    Timer timer = schedule(duration, done::countDown);
    try {
      done.await();
    } finally {
      timer.cancel();
    }
  }

  /** Time elapsed since {@code earlier}, by wall clock. */
  default Duration since(Instant earlier) {
    return Duration.between(earlier, now());
  }

  /** The real clock of the machine. */
  static Clock system() {
    return SystemClock.INSTANCE;
  }

  /** A scheduled task that can be cancelled before it runs. */
  interface Timer {
    /** Cancels the task if it has not started; returns whether it was cancelled by this call. */
    boolean cancel();
  }
}
