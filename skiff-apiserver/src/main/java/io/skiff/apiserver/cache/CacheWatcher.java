package io.skiff.apiserver.cache;

import io.skiff.api.selector.FieldSelector;
import io.skiff.api.selector.LabelSelector;
import io.skiff.clock.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One watch served from a resource's cache: upstream's cacheWatcher. The cache offers it every
 * event of the resource; it keeps those that its namespace and selectors make ADDED, MODIFIED or
 * DELETED, in a bounded queue that its consumer drains. When the consumer falls so far behind that
 * the queue is full, the watcher is ended (cleanly, as upstream does): the client watches again
 * from the last resourceVersion it received, and nobody else waited for it.
 */
final class CacheWatcher extends QueueFeed {

  private final ResourceCache cache;
  private final String keyPrefix;
  private final LabelSelector labels;
  private final FieldSelector fields;
  private final Clock clock;
  private final Instant deadline;
  private final boolean bookmarks;
  // The revision this watcher has everything up to (where it started, its last event or bookmark):
  // events at or below it are not its own. Guarded by the cache's lock.
  private long position;
  private Clock.Timer bookmarkTimer;

  CacheWatcher(
      ResourceCache cache,
      String keyPrefix,
      LabelSelector labels,
      FieldSelector fields,
      int buffer,
      Clock clock,
      Duration timeout,
      boolean bookmarks) {
    super(buffer);
    this.cache = cache;
    this.keyPrefix = keyPrefix;
    this.labels = labels;
    this.fields = fields;
    this.clock = clock;
    this.deadline = clock.now().plus(timeout);
    this.bookmarks = bookmarks;
  }

  boolean matches(CachedObject obj) {
    return obj != null && obj.matches(keyPrefix, labels, fields);
  }

  /** Sets where live events start; called under the cache's lock before the first offer. */
  void startAt(long revision) {
    position = revision;
  }

  /**
   * Offers a live event; called by the cache under its lock, in revision order.
   *
   * @return false if the watcher could not keep up and has been ended
   */
  boolean offer(CacheEvent e) {
    if (e.revision() <= position) {
      return true;
    }
    Event event = toEvent(e);
    if (event == null) {
      return true;
    }
    position = e.revision();
    if (push(event)) {
      return true;
    }
    finish(null, true);
    return false;
  }

  /** Upstream's convertToWatchEvent: which event, if any, this watcher sees of a change. */
  Event toEvent(CacheEvent e) {
    boolean now = matches(e.current());
    boolean before = matches(e.previous());
    if (now) {
      return new Event(before ? "MODIFIED" : "ADDED", e.current());
    }
    if (before) {
      return new Event("DELETED", e.tombstone());
    }
    return null;
  }

  /**
   * Offers a bookmark at the cache's revision; called under the cache's lock. A full queue skips it
   * (bookmarks are best effort) rather than ending the watcher.
   */
  void offerBookmark(long revision) {
    if (revision > 0 && revision >= position) {
      position = revision;
      push(new Bookmark(revision, false));
    }
  }

  /**
   * Schedules the next bookmark, as upstream's nextBookmarkTime: a bookmark interval from now, or 2
   * s before the deadline when that comes first; none once that time has passed.
   */
  void scheduleBookmark(Duration interval) {
    if (!bookmarks || isEnded()) {
      return;
    }
    Instant now = clock.now();
    Instant next = now.plus(interval);
    Instant beforeDeadline = deadline.minusSeconds(2);
    if (beforeDeadline.isBefore(next)) {
      next = beforeDeadline;
    }
    if (!next.isAfter(now)) {
      return;
    }
    Clock.Timer t =
        clock.schedule(
            Duration.between(now, next),
            () -> {
              cache.bookmark(this);
              scheduleBookmark(interval);
            });
    synchronized (this) {
      bookmarkTimer = t;
    }
    if (isEnded()) {
      t.cancel();
    }
  }

  @Override
  void ended() {
    Clock.Timer t;
    synchronized (this) {
      t = bookmarkTimer;
    }
    if (t != null) {
      t.cancel();
    }
    cache.forget(this);
  }
}
