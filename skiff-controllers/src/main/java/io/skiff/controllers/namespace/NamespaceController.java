package io.skiff.controllers.namespace;

import io.fabric8.kubernetes.api.model.Namespace;
import io.skiff.api.ResourceRegistry;
import io.skiff.client.informer.Lister;
import io.skiff.client.informer.ResourceEventHandler;
import io.skiff.client.informer.SharedInformer;
import io.skiff.client.workqueue.BucketRateLimiter;
import io.skiff.client.workqueue.ExponentialFailureRateLimiter;
import io.skiff.client.workqueue.MaxOfRateLimiter;
import io.skiff.client.workqueue.RateLimiter;
import io.skiff.clock.Clock;
import io.skiff.controllers.runtime.ControllerContext;
import io.skiff.controllers.runtime.QueueController;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The namespace controller (upstream's {@code pkg/controller/namespace}): when a namespace is being
 * deleted, {@link NamespacedResourcesDeleter} deletes everything in it and then releases it.
 *
 * <p>A namespace is looked at {@value #DELETION_GRACE_SECONDS} seconds after the change that shows
 * it terminating, so that creations racing the deletion are in the store when its content is
 * listed. While content remains (pods stopping, objects held by finalizers) it is looked at again
 * after half the estimated time; failures are retried with backoff capped at a minute.
 */
public final class NamespaceController extends QueueController {

  public static final String NAME = "namespace";

  static final long DELETION_GRACE_SECONDS = 5;

  private final Lister<Namespace> namespaces;
  private final NamespacedResourcesDeleter deleter;

  public NamespaceController(ControllerContext ctx) {
    this(
        ctx, new NamespacedResourcesDeleter(ctx.client(), ResourceRegistry.builtin(), ctx.clock()));
  }

  NamespaceController(ControllerContext ctx, NamespacedResourcesDeleter deleter) {
    super(NAME, ctx.clock(), rateLimiter(ctx.clock()));
    this.deleter = deleter;
    SharedInformer<Namespace> informer = ctx.informers().informerFor(Namespace.class);
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Namespace ns) {
            enqueueIfDeleting(ns);
          }

          @Override
          public void onUpdate(Namespace oldNs, Namespace ns) {
            enqueueIfDeleting(ns);
          }
        });
    this.namespaces = informer.lister();
  }

  /** Upstream's: per-namespace backoff from 5 ms to 60 s, at most 10 retries a second overall. */
  private static RateLimiter<String> rateLimiter(Clock clock) {
    return new MaxOfRateLimiter<>(
        List.of(
            new ExponentialFailureRateLimiter<>(Duration.ofMillis(5), Duration.ofSeconds(60)),
            new BucketRateLimiter<>(clock, 10, 100)));
  }

  private void enqueueIfDeleting(Namespace ns) {
    String ts = ns.getMetadata().getDeletionTimestamp();
    if (ts != null && !ts.isEmpty()) {
      enqueueAfter(ns, Duration.ofSeconds(DELETION_GRACE_SECONDS));
    }
  }

  @Override
  protected Result sync(String key) {
    Optional<Namespace> ns = namespaces.get(null, key);
    if (ns.isEmpty()) {
      return Result.done();
    }
    long estimate = deleter.delete(ns.get().getMetadata().getName());
    if (estimate > 0) {
      return Result.requeueAfter(Duration.ofSeconds(estimate / 2 + 1));
    }
    return Result.done();
  }
}
