package io.skiff.controllers.daemonset;

import io.skiff.clock.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-key exponential backoff on the clock (client-go's {@code flowcontrol.Backoff}), which the
 * DaemonSet controller keys by DaemonSet and node so that a kubelet that keeps failing a daemon pod
 * is not fought in a hot loop.
 */
final class FailedPodsBackoff {

  private record Entry(Duration backoff, Instant lastUpdate) {}

  private final Clock clock;
  private final Duration initial;
  private final Duration max;
  private final Map<String, Entry> entries = new HashMap<>();

  FailedPodsBackoff(Clock clock, Duration initial, Duration max) {
    this.clock = clock;
    this.initial = initial;
    this.max = max;
  }

  /** The key's current backoff; zero when it has none. */
  synchronized Duration get(String key) {
    Entry e = entries.get(key);
    return e == null ? Duration.ZERO : e.backoff();
  }

  /**
   * Starts or doubles the key's backoff (up to the maximum); an entry idle for twice the maximum
   * starts over.
   */
  synchronized void next(String key, Instant now) {
    Entry e = entries.get(key);
    Duration backoff;
    if (e == null || hasExpired(e, now)) {
      backoff = initial;
    } else {
      backoff = e.backoff().multipliedBy(2);
      if (backoff.compareTo(max) > 0) {
        backoff = max;
      }
    }
    entries.put(key, new Entry(backoff, now));
  }

  /** Whether less than the key's backoff has passed since it last moved on. */
  synchronized boolean isInBackOffSinceUpdate(String key, Instant now) {
    Entry e = entries.get(key);
    if (e == null || hasExpired(e, now)) {
      return false;
    }
    return Duration.between(e.lastUpdate(), now).compareTo(e.backoff()) < 0;
  }

  /** Drops entries idle for twice the maximum; the controller calls it now and then. */
  synchronized void gc() {
    Instant now = clock.now();
    entries.values().removeIf(e -> hasExpired(e, now));
  }

  private boolean hasExpired(Entry e, Instant now) {
    return Duration.between(e.lastUpdate(), now).compareTo(max.multipliedBy(2)) > 0;
  }
}
