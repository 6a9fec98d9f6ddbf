package io.skiff.client.workqueue;

import io.skiff.clock.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Decides how long an item waits before it is retried (client-go's {@code RateLimiter}).
 *
 * @param <T> the item type
 */
public interface RateLimiter<T> {

  /** The delay before {@code item} is processed again; records one more failure of it. */
  Duration when(T item);

  /** Forgets {@code item}'s failures. */
  void forget(T item);

  /** Failures of {@code item} since it was last forgotten. */
  int numRequeues(T item);

  /**
   * Upstream's default for controllers: per-item exponential backoff from 5 ms to 1000 s, and
   * overall at most 10 retries per second with bursts of 100, whichever waits longer.
   */
  static <T> RateLimiter<T> defaultControllerRateLimiter(Clock clock) {
    return new MaxOfRateLimiter<>(
        List.of(
            new ExponentialFailureRateLimiter<>(Duration.ofMillis(5), Duration.ofSeconds(1000)),
            new BucketRateLimiter<>(clock, 10, 100)));
  }
}
