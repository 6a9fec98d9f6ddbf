package io.skiff.clock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A clock that moves only when told to. {@link #advance(Duration)} runs every timer that falls due,
 * in due order, on the calling thread; timers scheduled by those tasks fire too if they fall due
 * within the same advance. Thread-safe: other threads may read time and schedule timers while one
 * thread advances.
 */
public final class ManualClock implements Clock {

  private final PriorityQueue<Pending> pending =
      new PriorityQueue<>(
          (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
  private final Instant origin;
  private long elapsedNanos;
  private long sequence;

  /** A clock that starts at {@code start}. */
  public ManualClock(Instant start) {
    this.origin = start;
  }

  /** A clock that starts at 2024-01-01T00:00:00Z, so test output is stable. */
  public ManualClock() {
    this(Instant.parse("2024-01-01T00:00:00Z"));
  }

  @Override
  public synchronized Instant now() {
    return origin.plusNanos(elapsedNanos);
  }

  @Override
  public synchronized long nanoTime() {
    return elapsedNanos;
  }

  @Override
  public synchronized Timer schedule(Duration delay, Runnable task) {
    Pending p = new Pending(elapsedNanos + Math.max(0, delay.toNanos()), sequence++, task);
    pending.add(p);
    return () -> {
      boolean cancelled = p.cancelled.compareAndSet(false, true);
      synchronized (ManualClock.this) {
        pending.remove(p);
      }
      return cancelled;
    };
  }

  /** Moves time forward by {@code step}, running every timer that falls due on the way. */
  public void advance(Duration step) {
    if (step.isNegative()) {
      throw new IllegalArgumentException("time cannot go backwards: " + step);
    }
    long target;
    synchronized (this) {
      target = elapsedNanos + step.toNanos();
    }
    while (true) {
      Pending next;
      synchronized (this) {
        next = pending.peek();
        if (next == null || next.due > target) {
          elapsedNanos = target;
          return;
        }
        pending.poll();
        // Time shows the due instant while the task runs, as a real timer would see it.
        elapsedNanos = Math.max(elapsedNanos, next.due);
      }
      if (next.cancelled.compareAndSet(false, true)) {
        next.task.run();
      }
    }
  }

  /** Runs every timer that is already due without moving time. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /** How many timers are waiting to fire; lets a test wait until a component armed its timer. */
  public synchronized int pendingTimers() {
    return pending.size();
  }

  /** When the next timer falls due, as a delay from now; {@code null} if none is pending. */
  public synchronized Duration nextTimerIn() {
    Pending next = pending.peek();
    return next == null ? null : Duration.ofNanos(next.due - elapsedNanos);
  }

  /** Delays of the pending timers from now, soonest first; for assertions on backoff. */
  public synchronized List<Duration> pendingDelays() {
    List<Pending> copy = new ArrayList<>(pending);
    copy.sort(pending.comparator());
    List<Duration> out = new ArrayList<>(copy.size());
    for (Pending p : copy) {
      out.add(Duration.ofNanos(p.due - elapsedNanos));
    }
    return out;
  }

  private static final class Pending {
    final long due;
    final long seq;
    final Runnable task;
    final AtomicBoolean cancelled = new AtomicBoolean();

    Pending(long due, long seq, Runnable task) {
      this.due = due;
      this.seq = seq;
      this.task = task;
    }
  }
}
