package io.skiff.controllers.deployment;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.clock.Clock;
import io.skiff.controllers.runtime.ControllerExpectations;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The ReplicaSets a Deployment's syncs have written that its informer cache does not show yet, by
 * Deployment key: a read-your-writes barrier. A sync on a cache older than the controller's own
 * last writes sizes the sets from numbers it has changed itself (a set it created a moment ago
 * missing, a scale-down not there yet) and overshoots {@code replicas + maxSurge}; the
 * rollout-bounds property test saw both. Upstream's controller keeps no such record and has the
 * same windows; on a cache that has caught up, both decide the same.
 *
 * <p>A write is seen once the cache holds the set at its resourceVersion or a later one (Skiff's
 * resourceVersions are the store's revisions), or once the set's deletion has been observed; a
 * record older than {@link ControllerExpectations#EXPECTATIONS_TIMEOUT} is dropped, as upstream's
 * expectations, so that a lost event cannot stall a Deployment. Thread-safe.
 */
final class UnseenWrites {

  private record Write(long resourceVersion, long atNanos) {}

  private final Clock clock;
  private final Map<String, Map<String, Write>> byOwner = new ConcurrentHashMap<>();

  UnseenWrites(Clock clock) {
    this.clock = clock;
  }

  /** The sync of {@code ownerKey} wrote {@code set}, as the server returned it. */
  void wrote(String ownerKey, HasMetadata set) {
    long version;
    try {
      version = Long.parseLong(set.getMetadata().getResourceVersion());
    } catch (NumberFormatException e) {
      // Not a revision: nothing to compare a cached version with.
      return;
    }
    byOwner
        .computeIfAbsent(ownerKey, k -> new ConcurrentHashMap<>())
        .put(set.getMetadata().getName(), new Write(version, clock.nanoTime()));
  }

  /** The cache has seen the set {@code name} of {@code ownerKey} deleted. */
  void deleted(String ownerKey, String name) {
    Map<String, Write> writes = byOwner.get(ownerKey);
    if (writes != null) {
      writes.remove(name);
    }
  }

  /** Forgets {@code ownerKey}, e.g. when the Deployment is gone. */
  void forget(String ownerKey) {
    byOwner.remove(ownerKey);
  }

  /**
   * Whether {@code cache} (a set by name) shows every write of {@code ownerKey}; the writes it
   * shows, and the expired ones, are forgotten.
   */
  boolean seen(String ownerKey, Function<String, Optional<? extends HasMetadata>> cache) {
    Map<String, Write> writes = byOwner.get(ownerKey);
    if (writes == null) {
      return true;
    }
    long now = clock.nanoTime();
    for (Iterator<Map.Entry<String, Write>> it = writes.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Write> e = it.next();
      Write w = e.getValue();
      if (now - w.atNanos() > ControllerExpectations.EXPECTATIONS_TIMEOUT.toNanos()
          || cache.apply(e.getKey()).map(set -> at(set) >= w.resourceVersion()).orElse(false)) {
        it.remove();
      }
    }
    return writes.isEmpty();
  }

  private static long at(HasMetadata set) {
    try {
      return Long.parseLong(set.getMetadata().getResourceVersion());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }
}
