package io.skiff.client.transport;

import io.skiff.client.workqueue.BucketRateLimiter;
import io.skiff.clock.Clock;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;

/**
 * client-go's client-side rate limit ({@code rest.Config}'s {@code QPS} and {@code Burst}): a token
 * bucket of {@code burst} tokens refilled at {@code qps} a second, one token per request (a watch
 * takes one when it starts); a request that finds the bucket empty waits on the clock for its
 * token.
 *
 * <p>client-go gives each clientset its own bucket over a shared connection pool, and
 * kube-controller-manager makes one clientset per controller. So this wraps a transport that others
 * share: many limited transports may sit on one {@link HttpTransport}, each with its own bucket.
 * Closing this one leaves the shared transport open; its owner closes it.
 *
 * <p>Only for transports that cross a process boundary: in-process clients are not limited.
 */
public final class RateLimitedTransport extends ForwardingTransport {

  private final Clock clock;
  private final BucketRateLimiter<Object> bucket;

  /**
   * @throws IllegalArgumentException unless {@code qps} is positive and {@code burst} at least 1
   */
  public RateLimitedTransport(Transport delegate, Clock clock, double qps, int burst) {
    super(delegate);
    if (!(qps > 0) || burst < 1) {
      throw new IllegalArgumentException(
          "qps must be positive and burst at least 1: qps " + qps + ", burst " + burst);
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.bucket = new BucketRateLimiter<>(clock, qps, burst);
  }

  /** Takes this call's token first: every call, a method added to Transport later too. */
  @Override
  protected Transport delegate() {
    throttle();
    return super.delegate();
  }

  /** Leaves the shared transport open. */
  @Override
  public void close() {}

  /** Takes a token, waiting for it if the bucket is empty (golang.org/x/time/rate's Wait). */
  private void throttle() {
    Duration wait = bucket.when(this);
    if (wait.isPositive()) {
      try {
        clock.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UncheckedIOException(new InterruptedIOException("interrupted"));
      }
    }
  }
}
