package io.skiff.node;

import io.skiff.api.errors.StatusError;
import io.skiff.client.workqueue.WorkQueue;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The workers of a simulation queue: the loop of a controller's worker goroutine, and their stop.
 */
final class WorkLoop {

  private WorkLoop() {}

  /**
   * Syncs keys from {@code queue} until it is shut down or {@code closed}. A key that syncs is
   * forgotten; one that fails is queued again with its backoff, unless the failure came from
   * closing. {@code inHand} counts the keys being synced, for the owner's {@code idle()}.
   */
  static <K> void run(
      WorkQueue<K> queue,
      Consumer<K> sync,
      BooleanSupplier closed,
      AtomicInteger inHand,
      System.Logger log) {
    while (!closed.getAsBoolean()) {
      Optional<K> next;
      try {
        next = queue.get();
      } catch (InterruptedException e) {
        return;
      }
      if (next.isEmpty()) {
        return;
      }
      K key = next.get();
      inHand.incrementAndGet();
      try {
        sync.accept(key);
        queue.forget(key);
      } catch (StatusError e) {
        // Conflicts and the like are routine; a server error is worth seeing.
        System.Logger.Level level =
            e.code() >= 500 ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG;
        log.log(level, () -> "retrying " + key + ": " + e.getMessage());
        queue.addRateLimited(key);
      } catch (RuntimeException e) {
        if (!closed.getAsBoolean()) {
          log.log(System.Logger.Level.WARNING, "syncing " + key + " failed; retrying", e);
          queue.addRateLimited(key);
        }
      } finally {
        queue.done(key);
        inHand.decrementAndGet();
      }
    }
  }

  /**
   * Wakes the workers from whatever they wait on and waits up to 10 seconds for each to end; an
   * interrupt of the caller stops the waiting.
   */
  static void stop(List<Thread> workers) {
    for (Thread t : workers) {
      t.interrupt();
    }
    for (Thread t : workers) {
      try {
        t.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
