package io.skiff.client.workqueue;

import io.skiff.clock.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The work queue of a controller, with client-go's contract:
 *
 * <ul>
 *   <li>an item added several times before a worker takes it is processed once (dirty set);
 *   <li>an item is never processed by two workers at once: one added while being processed is
 *       queued again only when the worker calls {@link #done} (processing set);
 *   <li>{@link #addAfter} delays an item on the injected {@link Clock}, keeping the earliest time
 *       when the same item is delayed twice;
 *   <li>{@link #addRateLimited} delays it by the {@link RateLimiter}'s backoff, which {@link
 *       #forget} resets after a success.
 * </ul>
 *
 * @param <T> the item type; controllers queue object keys ({@code namespace/name})
 */
public final class WorkQueue<T> {

  private final Clock clock;
  private final RateLimiter<T> rateLimiter;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition idle = lock.newCondition();
  private final ArrayDeque<T> queue = new ArrayDeque<>();
  private final Set<T> dirty = new HashSet<>();
  private final Set<T> processing = new HashSet<>();
  private final Map<T, Waiting> waiting = new HashMap<>();
  private boolean shuttingDown;

  private record Waiting(long dueNanos, Clock.Timer timer) {}

  public WorkQueue(Clock clock, RateLimiter<T> rateLimiter) {
    this.clock = clock;
    this.rateLimiter = rateLimiter;
  }

  /** A queue with upstream's default controller rate limiter. */
  public static <T> WorkQueue<T> withDefaultRateLimiter(Clock clock) {
    return new WorkQueue<>(clock, RateLimiter.defaultControllerRateLimiter(clock));
  }

  /** Marks {@code item} as needing processing. */
  public void add(T item) {
    lock.lock();
    try {
      if (shuttingDown || !dirty.add(item)) {
        return;
      }
      if (processing.contains(item)) {
        return;
      }
      queue.addLast(item);
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Adds {@code item} once {@code delay} has passed on the clock. */
  public void addAfter(T item, Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      add(item);
      return;
    }
    lock.lock();
    try {
      if (shuttingDown) {
        return;
      }
      long due = clock.nanoTime() + delay.toNanos();
      Waiting existing = waiting.get(item);
      if (existing != null) {
        if (existing.dueNanos <= due) {
          return;
        }
        existing.timer.cancel();
      }
      Clock.Timer timer = clock.schedule(delay, () -> fire(item, due));
      waiting.put(item, new Waiting(due, timer));
    } finally {
      lock.unlock();
    }
  }

  private void fire(T item, long due) {
    lock.lock();
    try {
      Waiting w = waiting.get(item);
      if (w == null || w.dueNanos != due) {
        return;
      }
      waiting.remove(item);
    } finally {
      lock.unlock();
    }
    add(item);
  }

  /** Adds {@code item} after its rate limiter's delay: the per-item backoff of a failure. */
  public void addRateLimited(T item) {
    addAfter(item, rateLimiter.when(item));
  }

  /** Resets {@code item}'s backoff, after it was processed successfully. */
  public void forget(T item) {
    rateLimiter.forget(item);
  }

  /** How many times {@code item} has been requeued with backoff since it was last forgotten. */
  public int numRequeues(T item) {
    return rateLimiter.numRequeues(item);
  }

  /**
   * Takes the next item, blocking until there is one; empty once the queue is shut down and
   * drained. The caller must call {@link #done} when finished with it.
   */
  public Optional<T> get() throws InterruptedException {
    lock.lock();
    try {
      while (queue.isEmpty() && !shuttingDown) {
        notEmpty.await();
      }
      if (queue.isEmpty()) {
        return Optional.empty();
      }
      T item = queue.pollFirst();
      processing.add(item);
      dirty.remove(item);
      return Optional.of(item);
    } finally {
      lock.unlock();
    }
  }

  /** Marks {@code item} as processed; if it was added meanwhile, it is queued again now. */
  public void done(T item) {
    lock.lock();
    try {
      processing.remove(item);
      if (dirty.contains(item)) {
        queue.addLast(item);
        notEmpty.signal();
      }
      if (processing.isEmpty()) {
        idle.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Items waiting to be taken (not counting delayed or in-process ones). */
  public int length() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Stops accepting items and wakes blocked workers; queued items can still be taken. */
  public void shutDown() {
    lock.lock();
    try {
      shuttingDown = true;
      waiting.values().forEach(w -> w.timer.cancel());
      waiting.clear();
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Shuts down, then waits until no item is being processed. */
  public void shutDownWithDrain() throws InterruptedException {
    shutDown();
    lock.lock();
    try {
      while (!processing.isEmpty() || !queue.isEmpty()) {
        idle.await();
      }
    } finally {
      lock.unlock();
    }
  }

  public boolean isShuttingDown() {
    lock.lock();
    try {
      return shuttingDown;
    } finally {
      lock.unlock();
    }
  }
}
