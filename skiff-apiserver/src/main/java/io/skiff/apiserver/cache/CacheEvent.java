package io.skiff.apiserver.cache;

import java.time.Instant;

/**
 * One change of one resource, decoded once and shared by every watcher: the object after the change
 * ({@code null} for a deletion) and before it ({@code null} for a creation). Each watcher turns it
 * into ADDED, MODIFIED or DELETED by whether its selectors match either side, as upstream's
 * cacheWatcher does.
 */
final class CacheEvent {

  private final String key;
  private final long revision;
  private final CachedObject current;
  private final CachedObject previous;
  private final Instant recorded;
  private volatile CachedObject tombstone;

  CacheEvent(
      String key, long revision, CachedObject current, CachedObject previous, Instant recorded) {
    this.key = key;
    this.revision = revision;
    this.current = current;
    this.previous = previous;
    this.recorded = recorded;
  }

  String key() {
    return key;
  }

  long revision() {
    return revision;
  }

  CachedObject current() {
    return current;
  }

  CachedObject previous() {
    return previous;
  }

  /** When the cache saw it, for sizing the history by age. */
  Instant recorded() {
    return recorded;
  }

  /**
   * What a DELETED event carries: the last state before the change, with the change's
   * resourceVersion. Made once, for the first watcher that needs it.
   */
  CachedObject tombstone() {
    CachedObject t = tombstone;
    if (t == null) {
      t = previous.withRevision(revision);
      tombstone = t;
    }
    return t;
  }
}
