package io.skiff.client.workqueue;

import io.skiff.clock.Clock;
import java.time.Duration;

/**
 * An overall token bucket: {@code qps} tokens a second, at most {@code burst} saved. Every call
 * reserves a token; when none is left the delay is the time until one will be, so retries of all
 * items together never exceed the rate (golang.org/x/time/rate's Reserve semantics).
 */
public final class BucketRateLimiter<T> implements RateLimiter<T> {

  private final Clock clock;
  private final double qps;
  private final double burst;
  private double tokens;
  private long lastNanos;

  public BucketRateLimiter(Clock clock, double qps, int burst) {
    this.clock = clock;
    this.qps = qps;
    this.burst = burst;
    this.tokens = burst;
    this.lastNanos = clock.nanoTime();
  }

  @Override
  public synchronized Duration when(T item) {
    long now = clock.nanoTime();
    tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * qps);
    lastNanos = now;
    tokens -= 1;
    if (tokens >= 0) {
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) Math.ceil(-tokens / qps * 1e9));
  }

  @Override
  public void forget(T item) {}

  @Override
  public int numRequeues(T item) {
    return 0;
  }
}
