package io.skiff.clock;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The machine's clock; timers fire on one shared daemon thread. */
final class SystemClock implements Clock {

  static final SystemClock INSTANCE = new SystemClock();

  private final ScheduledThreadPoolExecutor timers;

  private SystemClock() {
    timers =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "skiff-clock-timers");
              t.setDaemon(true);
              return t;
            });
    // Cancelled timers (backoffs that were superseded, watches that closed) must not pile up.
    timers.setRemoveOnCancelPolicy(true);
  }

  @Override
  public Instant now() {
    return Instant.now();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Timer schedule(Duration delay, Runnable task) {
    long nanos = Math.max(0, delay.toNanos());
    ScheduledFuture<?> future = timers.schedule(task, nanos, TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }
}
