package io.skiff.apiserver.cache;

import io.skiff.api.ResourceType;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.api.errors.StatusError;
import io.skiff.api.selector.FieldSelector;
import io.skiff.api.selector.LabelSelector;
import io.skiff.clock.Clock;
import io.skiff.store.KeyRules;
import io.skiff.store.KeyValue;
import io.skiff.store.ListResult;
import io.skiff.store.Store;
import io.skiff.store.WatchEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The cache of one resource: every object as of the cache's revision, the window of recent events,
 * and the watchers it feeds. Upstream's watchCache and Cacher for one resource prefix.
 *
 * <p>One thread applies events (the {@link WatchCache}'s dispatcher), under the write lock, which
 * is also taken to add a watcher, so that a watcher gets each event exactly once: either in the
 * history replayed to it or live. Lists and bookmarks take the read lock.
 */
final class ResourceCache {

  private static final int LOAD_PAGE = 10_000;

  private final ResourceType type;
  private final WatchCache owner;
  private final Store store;
  private final ObjectCodec codec;
  private final Clock clock;
  private final WatchCacheConfig config;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final TreeMap<String, CachedObject> objects = new TreeMap<>();
  private final History history;
  private final List<CacheWatcher> watchers = new ArrayList<>();
  private final List<CacheWatcher> forgottenWhileDispatching = new ArrayList<>();
  private final AtomicLong eventsReceived = new AtomicLong();
  private final AtomicLong terminated = new AtomicLong();
  // Guarded by the lock.
  private List<WatchEvent> pending = new ArrayList<>();
  private boolean dispatching;
  private volatile boolean stopped;
  private volatile long listRevision;
  private volatile boolean loaded;
  private volatile long lastApplied;

  ResourceCache(
      ResourceType type,
      WatchCache owner,
      Store store,
      ObjectCodec codec,
      Clock clock,
      WatchCacheConfig config) {
    this.type = type;
    this.owner = owner;
    this.store = store;
    this.codec = codec;
    this.clock = clock;
    this.config = config;
    this.history = new History(config.minHistory(), config.maxHistory(), config.historyFreshness());
  }

  ResourceType type() {
    return type;
  }

  // ---- loading and applying (the dispatcher) ----

  /**
   * Reads the resource from the store. Events that the dispatcher hands over meanwhile wait, and
   * those after the list's revision are applied on top, so nothing is missed or applied twice.
   */
  void load() {
    List<CachedObject> all = new ArrayList<>();
    String prefix = type.keyPrefix();
    String after = null;
    long revision = Store.LATEST;
    while (true) {
      ListResult page = store.list(prefix, LOAD_PAGE, after, revision);
      revision = page.revision();
      for (KeyValue kv : page.items()) {
        all.add(CachedObject.decode(kv, type.type(), codec));
      }
      if (!page.more()) {
        break;
      }
      after = page.continueAfter();
    }
    lock.writeLock().lock();
    try {
      for (CachedObject o : all) {
        objects.put(o.key(), o);
      }
      listRevision = revision;
      List<WatchEvent> waiting = pending;
      pending = null;
      for (WatchEvent e : waiting) {
        if (e.revision() > listRevision) {
          apply(e, decodeCurrent(e));
        }
      }
      loaded = true;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Takes one event of this resource, in revision order; only the dispatcher calls it. */
  void dispatch(WatchEvent e) {
    eventsReceived.incrementAndGet();
    if (loaded) {
      // Decoded outside the lock: only this thread writes, so lists go on meanwhile.
      CachedObject current = decodeCurrent(e);
      lock.writeLock().lock();
      try {
        apply(e, current);
      } finally {
        lock.writeLock().unlock();
      }
      return;
    }
    lock.writeLock().lock();
    try {
      if (pending != null) {
        pending.add(e);
      } else {
        apply(e, decodeCurrent(e));
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  private CachedObject decodeCurrent(WatchEvent e) {
    return e.type() == WatchEvent.Type.DELETED
        ? null
        : CachedObject.decode(e.kv(), type.type(), codec);
  }

  private void apply(WatchEvent e, CachedObject current) {
    if (stopped || e.revision() <= listRevision) {
      return;
    }
    CachedObject previous = objects.get(e.key());
    if (previous != null) {
      owner.mutationDetector().check(previous);
    }
    if (current == null) {
      if (previous == null) {
        return;
      }
      objects.remove(e.key());
    } else {
      objects.put(e.key(), current);
    }
    CacheEvent event = new CacheEvent(e.key(), e.revision(), current, previous, clock.now());
    history.add(event);
    lastApplied = e.revision();
    dispatching = true;
    try {
      for (CacheWatcher w : watchers) {
        if (!w.offer(event)) {
          terminated.incrementAndGet();
        }
      }
    } finally {
      dispatching = false;
    }
    if (!forgottenWhileDispatching.isEmpty()) {
      watchers.removeAll(forgottenWhileDispatching);
      forgottenWhileDispatching.clear();
    }
  }

  /**
   * The revision the cache is current at: its list, its last event, or the store's revision the
   * dispatcher has reached, whichever is newest (events of other resources move it, too).
   */
  long revision() {
    return Math.max(Math.max(listRevision, lastApplied), owner.progress());
  }

  boolean isStopped() {
    return stopped;
  }

  /** Has the mutation detector check every object cached now. */
  void checkUnchanged() {
    lock.readLock().lock();
    try {
      for (CachedObject o : objects.values()) {
        owner.mutationDetector().check(o);
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Ends every watcher (cleanly, so that clients watch or list again) and takes no more events. */
  void stop() {
    List<CacheWatcher> all;
    lock.writeLock().lock();
    try {
      stopped = true;
      all = new ArrayList<>(watchers);
    } finally {
      lock.writeLock().unlock();
    }
    for (CacheWatcher w : all) {
      w.finish(null, true);
    }
  }

  // ---- lists ----

  /** One page from the cache, and the revision it shows. */
  record Listing(List<CachedObject> items, long revision, String lastKey, boolean more) {}

  /**
   * The objects under {@code keyPrefix} that match, in key order.
   *
   * @param limit at most this many (0: all); {@code more} then says whether keys remain
   */
  Listing list(String keyPrefix, LabelSelector labels, FieldSelector fields, int limit) {
    lock.readLock().lock();
    try {
      long revision = revision();
      NavigableMap<String, CachedObject> range =
          objects.subMap(keyPrefix, true, KeyRules.prefixEnd(keyPrefix), false);
      List<CachedObject> items = new ArrayList<>();
      String lastKey = null;
      boolean more = false;
      for (Map.Entry<String, CachedObject> e : range.entrySet()) {
        if (limit > 0 && items.size() >= limit) {
          more = true;
          break;
        }
        if (e.getValue().matches(keyPrefix, labels, fields)) {
          items.add(e.getValue());
          lastKey = e.getKey();
        }
      }
      return new Listing(items, revision, lastKey, more);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The object under {@code key} as this cache holds it now, or null. */
  CachedObject get(String key) {
    lock.readLock().lock();
    try {
      return objects.get(key);
    } finally {
      lock.readLock().unlock();
    }
  }

  // ---- watches ----

  /** How a watch starts. */
  record Start(
      String keyPrefix,
      LabelSelector labels,
      FieldSelector fields,
      Duration timeout,
      boolean bookmarks) {}

  /**
   * A watcher that first gets the current matching objects as ADDED events, then every change; with
   * {@code endBookmark}, a bookmark annotated as the end of the initial events follows them.
   */
  CacheWatcher watchWithState(Start start, boolean endBookmark) {
    CacheWatcher w = newWatcher(start);
    lock.writeLock().lock();
    try {
      long revision = revision();
      List<WatchFeed.Item> initial = new ArrayList<>();
      NavigableMap<String, CachedObject> range =
          objects.subMap(start.keyPrefix(), true, KeyRules.prefixEnd(start.keyPrefix()), false);
      for (CachedObject o : range.values()) {
        if (w.matches(o)) {
          initial.add(new WatchFeed.Event("ADDED", o));
        }
      }
      if (endBookmark) {
        initial.add(new WatchFeed.Bookmark(revision, true));
      }
      w.pushAll(initial);
      register(w, revision);
    } finally {
      lock.writeLock().unlock();
    }
    return started(w, start.timeout());
  }

  /** What became of a request to watch from a revision. */
  sealed interface From permits Started, TooOld, BeforeCache {}

  record Started(CacheWatcher watcher) implements From {}

  /** The history from there is gone: 410 with upstream's text. */
  record TooOld(StatusError error) implements From {}

  /**
   * The revision is older than this cache, which has dropped nothing since it loaded: the store may
   * still have that history.
   */
  record BeforeCache() implements From {}

  /**
   * A watcher that gets every change after {@code from}: from the history while it reaches back
   * that far, else 410 Expired.
   */
  From watchFrom(Start start, long from) {
    long compacted = store.compactedRevision();
    CacheWatcher w;
    lock.writeLock().lock();
    try {
      if (from < listRevision && !history.dropped()) {
        return new BeforeCache();
      }
      // Upstream answers "too old" below the oldest event it holds; here history is known to be
      // complete after the newest event dropped, which may be far older than the oldest kept, as
      // the revisions between are other resources'. Compacted history counts as gone, as it does
      // for a watch on the store.
      long floor =
          Math.max(history.dropped() ? history.lastDroppedRevision() : listRevision, compacted);
      if (from < floor) {
        return new TooOld(
            StatusError.expired("too old resource version: " + from + " (" + floor + ")"));
      }
      w = newWatcher(start);
      List<WatchFeed.Item> replay = new ArrayList<>();
      for (CacheEvent e : history.since(from)) {
        WatchFeed.Event event = w.toEvent(e);
        if (event != null) {
          replay.add(event);
        }
      }
      w.pushAll(replay);
      register(w, Math.max(from, revision()));
    } finally {
      lock.writeLock().unlock();
    }
    return new Started(started(w, start.timeout()));
  }

  private CacheWatcher newWatcher(Start start) {
    return new CacheWatcher(
        this,
        start.keyPrefix(),
        start.labels(),
        start.fields(),
        config.watcherBuffer(),
        clock,
        start.timeout(),
        start.bookmarks());
  }

  private void register(CacheWatcher w, long position) {
    w.startAt(position);
    if (stopped) {
      w.finish(null, true);
      return;
    }
    watchers.add(w);
  }

  private CacheWatcher started(CacheWatcher w, Duration timeout) {
    w.endAfter(clock, timeout);
    w.scheduleBookmark(config.bookmarkInterval());
    return w;
  }

  /** Sends {@code w} a bookmark at the current revision (its timer calls this). */
  void bookmark(CacheWatcher w) {
    lock.readLock().lock();
    try {
      w.offerBookmark(revision());
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Removes an ended watcher. */
  void forget(CacheWatcher w) {
    lock.writeLock().lock();
    try {
      if (dispatching) {
        forgottenWhileDispatching.add(w);
      } else {
        watchers.remove(w);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  // ---- figures for /metrics and tests ----

  CacheStats stats() {
    lock.readLock().lock();
    try {
      return new CacheStats(
          type.group(),
          type.plural(),
          objects.size(),
          history.size(),
          history.capacity(),
          watchers.size(),
          revision(),
          eventsReceived.get(),
          terminated.get());
    } finally {
      lock.readLock().unlock();
    }
  }
}
