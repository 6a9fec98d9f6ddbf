package io.skiff.apiserver.cache;

import io.skiff.api.errors.StatusError;
import io.skiff.clock.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A feed over a queue filled by producers and drained by the consumer. It ends once: when the
 * producer says so, when the consumer closes it, or at its deadline; whatever is still queued is
 * then dropped, as upstream stops sending the moment a watch is stopped or times out.
 */
abstract class QueueFeed implements WatchFeed {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Item> queue = new ArrayDeque<>();
  private final int capacity;
  private End end;
  private Clock.Timer deadline;

  /**
   * @param capacity the most events that may be queued at once; 0 for no bound
   */
  QueueFeed(int capacity) {
    this.capacity = capacity;
  }

  /** Ends the feed cleanly once {@code timeout} has passed on {@code clock}. */
  final void endAfter(Clock clock, Duration timeout) {
    Clock.Timer t = clock.schedule(timeout, () -> finish(null, true));
    boolean ended;
    lock.lock();
    try {
      deadline = t;
      ended = end != null;
    } finally {
      lock.unlock();
    }
    if (ended) {
      t.cancel();
    }
  }

  /** Queues items that do not count against the capacity (initial state, replayed history). */
  final void pushAll(Collection<? extends Item> items) {
    lock.lock();
    try {
      if (end == null && !items.isEmpty()) {
        queue.addAll(items);
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Queues one item.
   *
   * @return false when the queue is full (nothing was queued); true otherwise, also when the feed
   *     has ended and the item was dropped
   */
  final boolean push(Item item) {
    lock.lock();
    try {
      if (end != null) {
        return true;
      }
      if (capacity > 0 && queue.size() >= capacity) {
        return false;
      }
      queue.add(item);
      changed.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Ends the feed, once.
   *
   * @param error the Status to end with, or null for a clean end
   * @param dropQueued whether items not yet taken are dropped rather than delivered first
   * @return whether this call ended it
   */
  final boolean finish(StatusError error, boolean dropQueued) {
    Clock.Timer t;
    lock.lock();
    try {
      if (end != null) {
        return false;
      }
      end = new End(error);
      if (dropQueued) {
        queue.clear();
      }
      t = deadline;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (t != null) {
      t.cancel();
    }
    ended();
    return true;
  }

  /** Called once, after the feed has ended, outside its lock. */
  void ended() {}

  final boolean isEnded() {
    lock.lock();
    try {
      return end != null;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public final Item next() throws InterruptedException {
    lock.lock();
    try {
      while (queue.isEmpty() && end == null) {
        changed.await();
      }
      Item item = queue.poll();
      return item != null ? item : end;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public final boolean ready() {
    lock.lock();
    try {
      return !queue.isEmpty() || end != null;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public final void close() {
    finish(null, true);
  }
}
