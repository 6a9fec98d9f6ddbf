package io.skiff.client.transport;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.skiff.api.ResourceType;
import io.skiff.api.patch.PatchType;
import io.skiff.client.ListOptions;
import io.skiff.client.ListPage;
import io.skiff.client.Watch;
import io.skiff.client.Watcher;
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
public final class RateLimitedTransport implements Transport {

  private final Transport delegate;
  private final Clock clock;
  private final BucketRateLimiter<Object> bucket;

  /**
   * @throws IllegalArgumentException unless {@code qps} is positive and {@code burst} at least 1
   */
  public RateLimitedTransport(Transport delegate, Clock clock, double qps, int burst) {
    if (!(qps > 0) || burst < 1) {
      throw new IllegalArgumentException(
          "qps must be positive and burst at least 1: qps " + qps + ", burst " + burst);
    }
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.bucket = new BucketRateLimiter<>(clock, qps, burst);
  }

  @Override
  public HasMetadata get(ResourceType type, String namespace, String name) {
    throttle();
    return delegate.get(type, namespace, name);
  }

  @Override
  public ListPage<HasMetadata> list(ResourceType type, String namespace, ListOptions options) {
    throttle();
    return delegate.list(type, namespace, options);
  }

  @Override
  public HasMetadata create(ResourceType type, String namespace, HasMetadata object) {
    throttle();
    return delegate.create(type, namespace, object);
  }

  @Override
  public HasMetadata update(
      ResourceType type, String namespace, String name, HasMetadata object, boolean status) {
    throttle();
    return delegate.update(type, namespace, name, object, status);
  }

  @Override
  public HasMetadata updateSubresource(
      ResourceType type, String namespace, String name, HasMetadata object, String subresource) {
    throttle();
    return delegate.updateSubresource(type, namespace, name, object, subresource);
  }

  @Override
  public HasMetadata patch(
      ResourceType type,
      String namespace,
      String name,
      PatchType patchType,
      String body,
      boolean status) {
    throttle();
    return delegate.patch(type, namespace, name, patchType, body, status);
  }

  @Override
  public void delete(ResourceType type, String namespace, String name, DeleteOptions options) {
    throttle();
    delegate.delete(type, namespace, name, options);
  }

  @Override
  public Watch watch(
      ResourceType type,
      String namespace,
      ListOptions options,
      long fromResourceVersion,
      Watcher<HasMetadata> watcher) {
    throttle();
    return delegate.watch(type, namespace, options, fromResourceVersion, watcher);
  }

  @Override
  public Scale getScale(ResourceType type, String namespace, String name) {
    throttle();
    return delegate.getScale(type, namespace, name);
  }

  @Override
  public Scale updateScale(ResourceType type, String namespace, String name, Scale scale) {
    throttle();
    return delegate.updateScale(type, namespace, name, scale);
  }

  @Override
  public void createSubresource(
      ResourceType type, String namespace, String name, String subresource, HasMetadata body) {
    throttle();
    delegate.createSubresource(type, namespace, name, subresource, body);
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
