package io.skiff.client.workqueue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Backs off {@code base * 2^failures}, capped at {@code max}, per item. */
public final class ExponentialFailureRateLimiter<T> implements RateLimiter<T> {

  private final Duration base;
  private final Duration max;
  private final Map<T, Integer> failures = new HashMap<>();

  public ExponentialFailureRateLimiter(Duration base, Duration max) {
    this.base = base;
    this.max = max;
  }

  @Override
  public synchronized Duration when(T item) {
    int exp = failures.getOrDefault(item, 0);
    failures.put(item, exp + 1);
    // Past 2^62 nanoseconds the product overflows; the cap is long reached by then.
    if (exp >= 62) {
      return max;
    }
    double nanos = base.toNanos() * Math.pow(2, exp);
    return nanos >= max.toNanos() ? max : Duration.ofNanos((long) nanos);
  }

  @Override
  public synchronized void forget(T item) {
    failures.remove(item);
  }

  @Override
  public synchronized int numRequeues(T item) {
    return failures.getOrDefault(item, 0);
  }
}
