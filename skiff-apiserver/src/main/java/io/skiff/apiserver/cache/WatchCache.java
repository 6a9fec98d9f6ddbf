package io.skiff.apiserver.cache;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.skiff.api.ResourceType;
import io.skiff.api.codec.ObjectCodec;
import io.skiff.clock.Clock;
import io.skiff.store.CompactedException;
import io.skiff.store.Store;
import io.skiff.store.StoreClosedException;
import io.skiff.store.StoreException;
import io.skiff.store.Watch;
import io.skiff.store.WatchEvent;
import io.skiff.store.WatchListener;
import io.skiff.store.WatchOverflowException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API server's watch cache: lists and watches served from memory, so that a thousand watchers
 * cost the store one watch.
 *
 * <p>That one watch covers every key, from the first time a resource is read: each resource's cache
 * is loaded when first listed or watched, and from then on the dispatcher applies the resource's
 * events to it. Because the dispatcher sees every write, it knows the store revision it has reached
 * even when a resource is quiet, which is what upstream asks etcd's progress notifications for: a
 * consistent read waits until the cache has reached the store's current revision, and bookmarks
 * carry that revision.
 *
 * <p>A dispatcher that falls behind the store's watch backlog resumes from where it was; if that
 * history has been compacted, or the watch fails otherwise, every cache is dropped and its watchers
 * are ended, and the next request loads afresh (upstream's cacher re-lists the same way).
 */
public final class WatchCache implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WatchCache.class);

  private final Store store;
  private final ObjectCodec codec;
  private final Clock clock;
  private final WatchCacheConfig config;
  private final Map<ResourceType, CompletableFuture<ResourceCache>> caches =
      new ConcurrentHashMap<>();
  private final List<ResourceCache> dispatchTo = new CopyOnWriteArrayList<>();
  private final ReentrantLock freshLock = new ReentrantLock();
  private final Condition advanced = freshLock.newCondition();
  private final AtomicInteger waiting = new AtomicInteger();
  private final CacheMutationDetector mutationDetector = new CacheMutationDetector();
  private volatile long progress;
  // The dispatcher whose events count; one that was replaced may still finish a batch.
  private volatile Dispatcher dispatcher;
  // Guarded by this.
  private Watch root;
  private boolean closed;

  public WatchCache(Store store, ObjectCodec codec, Clock clock, WatchCacheConfig config) {
    this.store = store;
    this.codec = codec;
    this.clock = clock;
    this.config = config;
  }

  public WatchCacheConfig config() {
    return config;
  }

  Clock clock() {
    return clock;
  }

  ObjectCodec codec() {
    return codec;
  }

  /** The store revision up to which the dispatcher has applied every event. */
  long progress() {
    return progress;
  }

  /**
   * The loaded cache of {@code type}, loading it first if needed; null once this watch cache has
   * been closed (callers then read the store).
   */
  ResourceCache cache(ResourceType type) {
    CompletableFuture<ResourceCache> f = caches.get(type);
    if (f == null) {
      CompletableFuture<ResourceCache> mine = new CompletableFuture<>();
      f = caches.putIfAbsent(type, mine);
      if (f == null) {
        load(type, mine);
        f = mine;
      }
    }
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /**
   * The cached object of {@code type} stored under {@code key} at {@code modRevision}, if a loaded
   * cache holds that very version: for a reader that has just read the key from the store and only
   * reads the object, so that it need not decode it again. Loads nothing, waits for nothing.
   */
  public Optional<HasMetadata> peek(ResourceType type, String key, long modRevision) {
    CompletableFuture<ResourceCache> f = caches.get(type);
    ResourceCache cache =
        f == null || !f.isDone() || f.isCompletedExceptionally() ? null : f.join();
    if (cache == null || cache.isStopped()) {
      return Optional.empty();
    }
    CachedObject cached = cache.get(key);
    return cached != null && cached.revision() == modRevision
        ? Optional.of(cached.object())
        : Optional.empty();
  }

  private void load(ResourceType type, CompletableFuture<ResourceCache> future) {
    ResourceCache cache;
    synchronized (this) {
      if (closed) {
        future.complete(null);
        return;
      }
      try {
        startDispatching();
      } catch (RuntimeException e) {
        caches.remove(type, future);
        future.completeExceptionally(e);
        return;
      }
      cache = new ResourceCache(type, this, store, codec, clock, config);
      dispatchTo.add(cache);
    }
    try {
      cache.load();
      future.complete(cache);
      log.debug("watch cache of {} loaded at revision {}", type.qualifiedResource(), progress);
    } catch (RuntimeException e) {
      dispatchTo.remove(cache);
      caches.remove(type, future);
      future.completeExceptionally(e);
    }
  }

  /** Starts the one store watch, from the store's current revision, unless it runs. */
  private void startDispatching() {
    if (root != null) {
      return;
    }
    long from = store.currentRevision();
    progress = Math.max(progress, from);
    Dispatcher d = new Dispatcher();
    dispatcher = d;
    root = store.watch("", from, d);
  }

  /**
   * Waits until {@code cache} is current at least at {@code revision}, at most the configured
   * freshness timeout on the clock.
   *
   * @return whether it got there; false also when the cache was dropped meanwhile
   */
  boolean awaitFresh(ResourceCache cache, long revision) {
    if (cache.revision() >= revision) {
      return true;
    }
    AtomicBoolean expired = new AtomicBoolean();
    Clock.Timer timer =
        clock.schedule(
            config.freshnessTimeout(),
            () -> {
              expired.set(true);
              signalWaiters();
            });
    freshLock.lock();
    waiting.incrementAndGet();
    try {
      while (cache.revision() < revision && !expired.get() && !cache.isStopped()) {
        advanced.await();
      }
      return cache.revision() >= revision && !cache.isStopped();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      waiting.decrementAndGet();
      freshLock.unlock();
      timer.cancel();
    }
  }

  private void signalWaiters() {
    if (waiting.get() > 0) {
      freshLock.lock();
      try {
        advanced.signalAll();
      } finally {
        freshLock.unlock();
      }
    }
  }

  /** The caches loaded now. */
  public List<CacheStats> stats() {
    List<CacheStats> out = new ArrayList<>();
    for (ResourceCache c : dispatchTo) {
      out.add(c.stats());
    }
    return out;
  }

  CacheMutationDetector mutationDetector() {
    return mutationDetector;
  }

  /**
   * With the {@linkplain CacheMutationDetector mutation detector} on, checks every cached object
   * and fails if any object the cache shared was changed by a reader; otherwise does nothing.
   *
   * @throws IllegalStateException naming the changed objects
   */
  public void checkNoMutations() {
    if (!CacheMutationDetector.enabled()) {
      return;
    }
    for (ResourceCache c : dispatchTo) {
      c.checkUnchanged();
    }
    mutationDetector.throwIfFound();
  }

  /** Stops the store watch and ends every watcher. Reads then go to the store. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    dropAll();
  }

  /** Forgets every cache, ending their watchers; the next read loads afresh. */
  private void dropAll() {
    Watch w;
    List<ResourceCache> dropped;
    synchronized (this) {
      w = root;
      root = null;
      dispatcher = null;
      dropped = new ArrayList<>(dispatchTo);
      dispatchTo.clear();
      caches.clear();
    }
    if (w != null) {
      w.close();
    }
    for (ResourceCache c : dropped) {
      c.stop();
    }
    signalWaiters();
  }

  private void recover(Dispatcher failed, StoreException error) {
    synchronized (this) {
      if (closed || dispatcher != failed) {
        return;
      }
      if (error instanceof WatchOverflowException) {
        // The dispatcher fell behind the store's backlog: resume where it was, if history allows.
        root.close();
        try {
          Dispatcher d = new Dispatcher();
          dispatcher = d;
          root = store.watch("", progress, d);
          log.warn("watch cache fell behind the store and resumed at revision {}", progress);
          return;
        } catch (CompactedException e) {
          log.warn("watch cache fell behind past compacted history; reloading every resource");
        } catch (StoreException e) {
          log.warn("watch cache could not resume its store watch; reloading", e);
        }
      } else if (!(error instanceof StoreClosedException)) {
        log.warn("watch cache's store watch failed; reloading every resource", error);
      }
    }
    dropAll();
  }

  /** Applies the store's events to the caches they belong to, in revision order. */
  private final class Dispatcher implements WatchListener {

    @Override
    public void onEvents(List<WatchEvent> events) {
      for (WatchEvent e : events) {
        if (dispatcher != this) {
          return;
        }
        for (ResourceCache c : dispatchTo) {
          if (e.key().startsWith(c.type().keyPrefix())) {
            c.dispatch(e);
          }
        }
        progress = e.revision();
      }
      signalWaiters();
    }

    @Override
    public void onError(StoreException error) {
      // Not on the store's delivery thread: recovering opens a new store watch.
      Thread.ofVirtual().name("skiff-watch-cache-recovery").start(() -> recover(this, error));
    }
  }
}
