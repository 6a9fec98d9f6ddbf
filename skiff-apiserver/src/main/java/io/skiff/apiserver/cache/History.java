package io.skiff.apiserver.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The window of a resource's recent events that watches resume from: upstream's watchCache ring.
 * Its capacity starts at the lower bound, doubles (up to the upper bound) when it is full and its
 * oldest event is younger than the freshness duration, and halves (down to the lower bound) when
 * even the newest quarter of it is older than that. Not thread-safe: its resource cache guards it.
 */
final class History {

  private final int lowerBound;
  private final int upperBound;
  private final Duration freshness;
  private CacheEvent[] ring;
  // Events live at [start, end) modulo ring.length; both only grow.
  private long start;
  private long end;
  private boolean dropped;
  private long lastDroppedRevision;

  History(int lowerBound, int upperBound, Duration freshness) {
    this.lowerBound = lowerBound;
    this.upperBound = upperBound;
    this.freshness = freshness;
    this.ring = new CacheEvent[lowerBound];
  }

  void add(CacheEvent event) {
    resize(event.recorded());
    if (isFull()) {
      drop(1);
    }
    ring[(int) (end % ring.length)] = event;
    end++;
  }

  /** The events with revisions above {@code revision}, oldest first. */
  List<CacheEvent> since(long revision) {
    long lo = start;
    long hi = end;
    while (lo < hi) {
      long mid = (lo + hi) >>> 1;
      if (at(mid).revision() > revision) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    List<CacheEvent> out = new ArrayList<>((int) (end - lo));
    for (long i = lo; i < end; i++) {
      out.add(at(i));
    }
    return out;
  }

  /** Whether any event has left the window since the cache was loaded. */
  boolean dropped() {
    return dropped;
  }

  /**
   * The revision of the newest event that has left the window: history after it is complete.
   * Meaningful only when {@link #dropped()}.
   */
  long lastDroppedRevision() {
    return lastDroppedRevision;
  }

  int size() {
    return (int) (end - start);
  }

  int capacity() {
    return ring.length;
  }

  private CacheEvent at(long index) {
    return ring[(int) (index % ring.length)];
  }

  private boolean isFull() {
    return end - start == ring.length;
  }

  private void resize(Instant now) {
    if (!isFull()) {
      return;
    }
    if (Duration.between(at(start).recorded(), now).compareTo(freshness) < 0) {
      int grown = Math.min(ring.length * 2, upperBound);
      if (grown > ring.length) {
        reallocate(grown);
      }
      return;
    }
    CacheEvent newestQuarter = at(end - ring.length / 4);
    if (Duration.between(newestQuarter.recorded(), now).compareTo(freshness) > 0) {
      int shrunk = Math.max(ring.length / 2, lowerBound);
      if (shrunk < ring.length) {
        drop((int) (end - start) - shrunk);
        reallocate(shrunk);
      }
    }
  }

  private void drop(int count) {
    for (int i = 0; i < count; i++) {
      int slot = (int) (start % ring.length);
      lastDroppedRevision = ring[slot].revision();
      ring[slot] = null;
      start++;
      dropped = true;
    }
  }

  private void reallocate(int capacity) {
    CacheEvent[] next = new CacheEvent[capacity];
    for (long i = start; i < end; i++) {
      next[(int) (i % capacity)] = at(i);
    }
    ring = next;
  }
}
