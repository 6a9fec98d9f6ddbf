package io.skiff.apiserver;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Upstream's max-in-flight filter: at most so many read-only and so many mutating requests at once
 * ({@code --max-requests-inflight}, {@code --max-mutating-requests-inflight}); a request past the
 * limit is refused at once with 429 rather than queued. Long-running requests (watches) take no
 * slot. A limit of 0 means no limit.
 */
final class InFlightLimiter {

  private final int maxReadOnly;
  private final int maxMutating;
  private final AtomicInteger readOnly = new AtomicInteger();
  private final AtomicInteger mutating = new AtomicInteger();

  InFlightLimiter(int maxReadOnly, int maxMutating) {
    this.maxReadOnly = maxReadOnly;
    this.maxMutating = maxMutating;
  }

  /** Takes a slot; false when none is free. */
  boolean tryAcquire(boolean isReadOnly) {
    AtomicInteger count = isReadOnly ? readOnly : mutating;
    int max = isReadOnly ? maxReadOnly : maxMutating;
    while (true) {
      int now = count.get();
      if (max > 0 && now >= max) {
        return false;
      }
      if (count.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  void release(boolean isReadOnly) {
    (isReadOnly ? readOnly : mutating).decrementAndGet();
  }

  int readOnlyInFlight() {
    return readOnly.get();
  }

  int mutatingInFlight() {
    return mutating.get();
  }
}
